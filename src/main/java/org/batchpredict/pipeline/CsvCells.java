package org.batchpredict.pipeline;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;

/** Splits and joins CSV rows (RFC 4180 quoting) with Jackson's CSV module. */
final class CsvCells {
  private static final CsvMapper MAPPER = new CsvMapper();
  private static final ObjectReader ROW_READER =
      MAPPER.readerFor(String[].class).with(CsvParser.Feature.WRAP_AS_ARRAY);
  private static final ObjectWriter ROW_WRITER =
      MAPPER.writerFor(String[].class).with(CsvSchema.emptySchema().withLineSeparator(""));

  private CsvCells() {}

  /**
   * The cells of one CSV line.
   *
   * @throws IllegalArgumentException when the line is not valid CSV
   */
  static List<String> split(byte[] line) {
    try (MappingIterator<String[]> rows = ROW_READER.readValues(line)) {
      if (!rows.hasNext()) {
        return List.of();
      }
      String[] cells = rows.next();
      if (rows.hasNext()) {
        throw new IllegalArgumentException("Malformed CSV: one line holds more than one row");
      }
      return Arrays.asList(cells);
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException("Malformed CSV: " + firstLine(e.getMessage()), e);
    }
  }

  /** One CSV line (no line break) holding {@code cells}, quoted where needed. */
  static String join(String[] cells) {
    try {
      return ROW_WRITER.writeValueAsString(cells);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable row";
    }
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
