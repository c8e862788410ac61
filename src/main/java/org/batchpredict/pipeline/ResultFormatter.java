package org.batchpredict.pipeline;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.Base64;
import java.util.List;
import org.batchpredict.model.Column;
import org.batchpredict.model.TensorSpec;

/**
 * Writes the rows of a signature's output columns as result lines: one JSON object per instance
 * keyed by output alias, or one CSV row per instance with the aliases as columns.
 *
 * <p>String outputs are UTF-8 text, or {@code {"b64": ...}} (base64 text in CSV) when the alias
 * ends in {@code _bytes} or the bytes are not UTF-8.
 */
abstract class ResultFormatter {
  protected final List<TensorSpec> outputs;

  ResultFormatter(List<TensorSpec> outputs) {
    this.outputs = outputs;
  }

  static ResultFormatter of(DataFormat format, List<TensorSpec> outputs) {
    return format == DataFormat.CSV ? new Csv(outputs) : new JsonLines(outputs);
  }

  /** The header line of CSV output: the output aliases in column order. */
  static String csvHeader(List<TensorSpec> outputs) {
    return CsvCells.join(outputs.stream().map(TensorSpec::name).toArray(String[]::new));
  }

  /**
   * Appends the lines for rows {@code 0..rows-1} of {@code columns} (in output order), each line
   * ended by a newline except the last.
   */
  abstract void appendRows(Column[] columns, int rows, boolean batched, StringBuilder lines);

  private static final class JsonLines extends ResultFormatter {
    JsonLines(List<TensorSpec> outputs) {
      super(outputs);
    }

    @Override
    void appendRows(Column[] columns, int rows, boolean batched, StringBuilder lines) {
      // Shapes once per batch, not once per row; the generator appends straight to the lines.
      long[][] shapes = new long[columns.length][];
      int[] rowSizes = new int[columns.length];
      for (int i = 0; i < columns.length; i++) {
        shapes[i] = batched ? columns[i].rowShape() : columns[i].shape();
        rowSizes[i] = batched ? columns[i].rowSize() : (int) Column.elementCount(shapes[i]);
      }
      try (JsonGenerator json = Json.FACTORY.createGenerator(new Appender(lines))) {
        json.setRootValueSeparator(null);
        for (int row = 0; row < rows; row++) {
          if (row > 0) {
            json.writeRaw('\n');
          }
          json.writeStartObject();
          for (int i = 0; i < columns.length; i++) {
            String alias = outputs.get(i).name();
            json.writeFieldName(alias);
            writeNested(json, columns[i], shapes[i], 0, (long) row * rowSizes[i], alias);
          }
          json.writeEndObject();
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /** A writer onto a StringBuilder, so that generated text is copied once. */
  private static final class Appender extends Writer {
    private final StringBuilder lines;

    Appender(StringBuilder lines) {
      this.lines = lines;
    }

    @Override
    public void write(char[] chars, int offset, int length) {
      lines.append(chars, offset, length);
    }

    @Override
    public void write(String text, int offset, int length) {
      lines.append(text, offset, offset + length);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  private static final class Csv extends ResultFormatter {
    Csv(List<TensorSpec> outputs) {
      super(outputs);
    }

    @Override
    void appendRows(Column[] columns, int rows, boolean batched, StringBuilder lines) {
      String[] cells = new String[columns.length];
      for (int row = 0; row < rows; row++) {
        if (row > 0) {
          lines.append('\n');
        }
        for (int i = 0; i < columns.length; i++) {
          cells[i] = cell(columns[i], row, batched, outputs.get(i).name());
        }
        lines.append(CsvCells.join(cells));
      }
    }

    private static String cell(Column column, int row, boolean batched, String alias) {
      long[] shape = batched ? column.rowShape() : column.shape();
      if (shape.length == 0) {
        int index = batched ? row : 0;
        if (column.data() instanceof byte[][]) {
          byte[] bytes = ((byte[][]) column.data())[index];
          String text = alias.endsWith("_bytes") ? null : Inputs.utf8OrNull(bytes);
          return text != null ? text : Base64.getEncoder().encodeToString(bytes);
        }
      }
      StringWriter text = new StringWriter();
      try (JsonGenerator json = Json.FACTORY.createGenerator(text)) {
        writeRow(json, column, row, batched, alias);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return text.toString();
    }
  }

  /** Writes row {@code row} of the column as a JSON value: a scalar or nested arrays. */
  static void writeRow(JsonGenerator json, Column column, int row, boolean batched, String alias)
      throws IOException {
    long[] shape = batched ? column.rowShape() : column.shape();
    int rowSize = batched ? column.rowSize() : (int) Column.elementCount(shape);
    writeNested(json, column, shape, 0, (long) row * rowSize, alias);
  }

  private static long writeNested(
      JsonGenerator json, Column column, long[] shape, int depth, long index, String alias)
      throws IOException {
    if (depth == shape.length) {
      writeScalar(json, column, (int) index, alias);
      return index + 1;
    }
    json.writeStartArray();
    for (long i = 0; i < shape[depth]; i++) {
      index = writeNested(json, column, shape, depth + 1, index, alias);
    }
    json.writeEndArray();
    return index;
  }

  private static void writeScalar(JsonGenerator json, Column column, int i, String alias)
      throws IOException {
    Object data = column.data();
    switch (column.dtype()) {
      case FLOAT:
        json.writeNumber(((float[]) data)[i]);
        break;
      case DOUBLE:
        json.writeNumber(((double[]) data)[i]);
        break;
      case INT32:
        json.writeNumber(((int[]) data)[i]);
        break;
      case INT64:
        json.writeNumber(((long[]) data)[i]);
        break;
      case UINT8:
        json.writeNumber(((byte[]) data)[i] & 0xff);
        break;
      case BOOL:
        json.writeBoolean(((boolean[]) data)[i]);
        break;
      default:
        byte[] bytes = ((byte[][]) data)[i];
        String text = alias.endsWith("_bytes") ? null : Inputs.utf8OrNull(bytes);
        if (text != null) {
          json.writeString(text);
        } else {
          json.writeStartObject();
          json.writeStringField("b64", Base64.getEncoder().encodeToString(bytes));
          json.writeEndObject();
        }
    }
  }
}
