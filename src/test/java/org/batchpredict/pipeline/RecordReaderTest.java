package org.batchpredict.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class RecordReaderTest {
  @Test
  void linesKeepTheirNumbersAcrossBlankLinesAndCarriageReturns() throws IOException {
    byte[] text = "a\r\n\n  \nb\nc".getBytes(StandardCharsets.UTF_8);

    List<RecordReader.Record> records = readAll(RecordReader.lines(stream(text, 0), 0, 0));

    assertThat(records)
        .extracting(r -> new String(r.bytes, StandardCharsets.UTF_8))
        .containsExactly("a", "b", "c");
    assertThat(records).extracting(r -> r.number).containsExactly(1L, 4L, 5L);
  }

  @Test
  void aLineReadCanResumeAtTheOffsetAndNumberItReached() throws IOException {
    byte[] text = "first\nsecond\nthird\n".getBytes(StandardCharsets.UTF_8);
    RecordReader reader = RecordReader.lines(stream(text, 0), 0, 0);
    reader.next();

    RecordReader resumed =
        RecordReader.lines(stream(text, reader.offset()), reader.offset(), reader.number());
    List<RecordReader.Record> rest = readAll(resumed);

    assertThat(rest)
        .extracting(r -> new String(r.bytes, StandardCharsets.UTF_8))
        .containsExactly("second", "third");
    assertThat(rest).extracting(r -> r.number).containsExactly(2L, 3L);
  }

  @Test
  void linesLongerThanTheReadBufferComeBackWhole() throws IOException {
    String longLine = "x".repeat(200_000);
    byte[] text = (longLine + "\nshort\n").getBytes(StandardCharsets.UTF_8);

    List<RecordReader.Record> records = readAll(RecordReader.lines(stream(text, 0), 0, 0));

    assertThat(records.get(0).bytes).hasSize(200_000);
    assertThat(new String(records.get(1).bytes, StandardCharsets.UTF_8)).isEqualTo("short");
  }

  @Test
  void aTfRecordWithABadChecksumFailsAloneAndReadingGoesOn() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    writeTfRecord(file, "one".getBytes(StandardCharsets.UTF_8), false);
    writeTfRecord(file, "two".getBytes(StandardCharsets.UTF_8), true);
    writeTfRecord(file, "three".getBytes(StandardCharsets.UTF_8), false);

    List<RecordReader.Record> records =
        readAll(RecordReader.tfRecords(stream(file.toByteArray(), 0), 0, 0));

    assertThat(records).extracting(r -> r.number).containsExactly(1L, 2L, 3L);
    assertThat(records)
        .extracting(r -> r.error)
        .containsExactly(null, "Corrupt TFRecord data (checksum mismatch)", null);
    assertThat(new String(records.get(2).bytes, StandardCharsets.UTF_8)).isEqualTo("three");
  }

  @Test
  void aCutOffTfRecordFileEndsWithOneErrorAtItsByteOffset() throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    writeTfRecord(file, "one".getBytes(StandardCharsets.UTF_8), false);
    int secondStarts = file.size();
    writeTfRecord(file, "two".getBytes(StandardCharsets.UTF_8), false);
    byte[] cut = Arrays.copyOf(file.toByteArray(), file.size() - 5);

    List<RecordReader.Record> records = readAll(RecordReader.tfRecords(stream(cut, 0), 0, 0));

    assertThat(records).hasSize(2);
    assertThat(records.get(1).kind).isEqualTo(Position.Kind.BYTE_OFFSET);
    assertThat(records.get(1).number).isEqualTo(secondStarts);
    assertThat(records.get(1).error).startsWith("Truncated TFRecord");
  }

  @Test
  void maskedCrcMatchesTheTfRecordReferenceValue() {
    // The masked CRC32C of an empty payload, as TensorFlow's own writer produces it.
    assertThat(RecordReader.maskedCrc32c(new byte[0], 0, 0)).isEqualTo(0xa282ead8);
  }

  // ---------------------------------------------------------------------------------------------

  private static InputStream stream(byte[] bytes, long offset) {
    return new ByteArrayInputStream(bytes, (int) offset, bytes.length - (int) offset);
  }

  private static List<RecordReader.Record> readAll(RecordReader reader) throws IOException {
    List<RecordReader.Record> records = new ArrayList<>();
    RecordReader.Record record;
    while ((record = reader.next()) != null) {
      records.add(record);
    }
    return records;
  }

  private static void writeTfRecord(ByteArrayOutputStream out, byte[] payload, boolean damage) {
    ByteBuffer header = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN);
    header.putLong(payload.length);
    header.putInt(RecordReader.maskedCrc32c(header.array(), 0, 8));
    out.writeBytes(header.array());
    out.writeBytes(payload);
    int crc = RecordReader.maskedCrc32c(payload, 0, payload.length) + (damage ? 1 : 0);
    out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(crc).array());
  }
}
