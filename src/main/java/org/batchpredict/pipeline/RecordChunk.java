package org.batchpredict.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * Consecutive raw records of one input file, as read and not yet parsed: lines (without their line
 * break) or TFRecord payloads, each with its 1-based line or record number.
 *
 * <p>For CSV files {@link #csvColumns} holds the column names of the file's header line, or is
 * empty when the file has none.
 */
final class RecordChunk {
  final String file;
  final Position.Kind positionKind;
  final long[] positions;
  final byte[][] records;
  final List<String> csvColumns;

  RecordChunk(
      String file,
      Position.Kind positionKind,
      long[] positions,
      byte[][] records,
      List<String> csvColumns) {
    this.file = file;
    this.positionKind = positionKind;
    this.positions = positions;
    this.records = records;
    this.csvColumns = csvColumns;
  }

  int size() {
    return records.length;
  }

  Position position(int i) {
    return new Position(file, positionKind, positions[i]);
  }

  /** A deterministic binary coder: no Java serialization on the hot path. */
  static final class Coder extends CustomCoder<RecordChunk> {
    static final Coder INSTANCE = new Coder();

    @Override
    public void encode(RecordChunk chunk, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeUTF(chunk.file);
      out.writeByte(chunk.positionKind.ordinal());
      out.writeInt(chunk.records.length);
      for (int i = 0; i < chunk.records.length; i++) {
        out.writeLong(chunk.positions[i]);
        out.writeInt(chunk.records[i].length);
        out.write(chunk.records[i]);
      }
      out.writeInt(chunk.csvColumns.size());
      for (String column : chunk.csvColumns) {
        out.writeUTF(column);
      }
      out.flush();
    }

    @Override
    public RecordChunk decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      String file = in.readUTF();
      Position.Kind kind = Position.Kind.values()[in.readByte()];
      int count = in.readInt();
      long[] positions = new long[count];
      byte[][] records = new byte[count][];
      for (int i = 0; i < count; i++) {
        positions[i] = in.readLong();
        records[i] = new byte[in.readInt()];
        in.readFully(records[i]);
      }
      int columnCount = in.readInt();
      List<String> columns = new ArrayList<>(columnCount);
      for (int i = 0; i < columnCount; i++) {
        columns.add(in.readUTF());
      }
      return new RecordChunk(file, kind, positions, records, columns);
    }

    @Override
    public void verifyDeterministic() {}
  }
}
