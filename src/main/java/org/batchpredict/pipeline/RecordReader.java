package org.batchpredict.pipeline;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Splits a decoded byte stream into records: lines for the text formats, TFRecord payloads for
 * TF_RECORD. Tracks the stream offset after each record so that a read can resume there.
 *
 * <p>Damage is reported, not thrown: a record whose checksum fails comes back with {@link
 * Record#error} set and reading goes on; damage that loses the framing (a bad length, a cut-off
 * file, a broken gzip stream) comes back as one last failed record, after which {@link #next}
 * returns {@code null}.
 */
abstract class RecordReader {
  /** A record, or the damage found where a record should be. */
  static final class Record {
    final byte[] bytes;
    final long number;
    final Position.Kind kind;
    final String error;

    Record(byte[] bytes, long number, Position.Kind kind, String error) {
      this.bytes = bytes;
      this.number = number;
      this.kind = kind;
      this.error = error;
    }
  }

  protected final InputStream in;
  protected long offset;
  protected long number;
  protected boolean finished;

  /**
   * @param in the decoded stream, positioned at {@code offset}
   * @param offset the stream offset of the first record to read
   * @param number the line or record number of that record, minus one
   */
  RecordReader(InputStream in, long offset, long number) {
    this.in = in;
    this.offset = offset;
    this.number = number;
  }

  static RecordReader lines(InputStream in, long offset, long lineNumber) {
    return new LineReader(in, offset, lineNumber);
  }

  static RecordReader tfRecords(InputStream in, long offset, long recordNumber) {
    return new TfRecordReader(in, offset, recordNumber);
  }

  /** The next record, or {@code null} at the end of the stream. */
  abstract Record next() throws IOException;

  /** The offset in the decoded stream just after the last record returned. */
  long offset() {
    return offset;
  }

  /** The line or record number of the last record returned (0 before the first). */
  long number() {
    return number;
  }

  /**
   * Text lines without their line break ({@code \n} or {@code \r\n}). Lines holding only whitespace
   * are skipped: they are not instances.
   */
  private static final class LineReader extends RecordReader {
    private final byte[] buffer = new byte[1 << 16];
    private int start;
    private int end;

    LineReader(InputStream in, long offset, long lineNumber) {
      super(in, offset, lineNumber);
    }

    @Override
    Record next() throws IOException {
      while (!finished) {
        byte[] line;
        try {
          line = readLine();
        } catch (IOException e) {
          finished = true;
          return new Record(
              new byte[0],
              number + 1,
              Position.Kind.LINE,
              "Unreadable input after this line: " + describe(e));
        }
        if (line == null) {
          finished = true;
          return null;
        }
        number++;
        if (!isBlank(line)) {
          return new Record(line, number, Position.Kind.LINE, null);
        }
      }
      return null;
    }

    private byte[] readLine() throws IOException {
      byte[] pending = null;
      while (true) {
        for (int i = start; i < end; i++) {
          if (buffer[i] == '\n') {
            byte[] line = concat(pending, buffer, start, i);
            offset += i + 1 - start;
            start = i + 1;
            return stripCarriageReturn(line);
          }
        }
        if (end > start) {
          pending = concat(pending, buffer, start, end);
          offset += end - start;
        }
        start = 0;
        end = in.read(buffer, 0, buffer.length);
        if (end <= 0) {
          end = 0;
          return pending == null ? null : stripCarriageReturn(pending);
        }
      }
    }

    private static byte[] concat(byte[] head, byte[] buffer, int from, int to) {
      if (head == null) {
        return Arrays.copyOfRange(buffer, from, to);
      }
      byte[] joined = Arrays.copyOf(head, head.length + to - from);
      System.arraycopy(buffer, from, joined, head.length, to - from);
      return joined;
    }

    private static byte[] stripCarriageReturn(byte[] line) {
      int length = line.length;
      return length > 0 && line[length - 1] == '\r' ? Arrays.copyOf(line, length - 1) : line;
    }

    private static boolean isBlank(byte[] line) {
      for (byte b : line) {
        if (b != ' ' && b != '\t' && b != '\r') {
          return false;
        }
      }
      return true;
    }
  }

  /**
   * TFRecord framing: a little-endian uint64 length, the masked CRC32C of those 8 bytes, the
   * payload, and the masked CRC32C of the payload.
   */
  private static final class TfRecordReader extends RecordReader {
    /** Larger lengths are taken as damage, not as a record to allocate. */
    private static final long MAX_RECORD_BYTES = 1L << 30;

    private final byte[] header = new byte[12];
    private final byte[] footer = new byte[4];

    TfRecordReader(InputStream in, long offset, long recordNumber) {
      super(in, offset, recordNumber);
    }

    @Override
    Record next() throws IOException {
      if (finished) {
        return null;
      }
      long recordStart = offset;
      try {
        int got = in.readNBytes(header, 0, header.length);
        if (got == 0) {
          finished = true;
          return null;
        }
        if (got < header.length) {
          return lostFraming(recordStart, "Truncated TFRecord header");
        }
        ByteBuffer view = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
        long length = view.getLong(0);
        if (view.getInt(8) != maskedCrc32c(header, 0, 8)) {
          return lostFraming(recordStart, "Corrupt TFRecord length (checksum mismatch)");
        }
        if (length < 0 || length > MAX_RECORD_BYTES) {
          return lostFraming(recordStart, "Corrupt TFRecord length " + length);
        }
        byte[] payload = in.readNBytes((int) length);
        if (payload.length < length || in.readNBytes(footer, 0, 4) < 4) {
          return lostFraming(recordStart, "Truncated TFRecord");
        }
        offset += header.length + length + footer.length;
        number++;
        int expected = ByteBuffer.wrap(footer).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (expected != maskedCrc32c(payload, 0, payload.length)) {
          return new Record(
              payload, number, Position.Kind.RECORD, "Corrupt TFRecord data (checksum mismatch)");
        }
        return new Record(payload, number, Position.Kind.RECORD, null);
      } catch (EOFException e) {
        return lostFraming(recordStart, "Truncated TFRecord");
      } catch (IOException e) {
        return lostFraming(recordStart, "Unreadable TFRecord input: " + describe(e));
      }
    }

    /** The rest of the file cannot be framed: one failed record stands for it. */
    private Record lostFraming(long at, String message) {
      finished = true;
      return new Record(
          new byte[0],
          at,
          Position.Kind.BYTE_OFFSET,
          message + "; the rest of the file from this byte offset was not read");
    }
  }

  /** TFRecord's masked CRC32C. */
  static int maskedCrc32c(byte[] data, int from, int length) {
    CRC32C crc = new CRC32C();
    crc.update(data, from, length);
    int value = (int) crc.getValue();
    return ((value >>> 15) | (value << 17)) + 0xa282ead8;
  }

  private static String describe(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
