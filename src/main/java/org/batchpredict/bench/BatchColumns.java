package org.batchpredict.bench;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.StreamWriteFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.batchpredict.model.Column;
import org.batchpredict.model.DType;
import org.batchpredict.model.TensorSpec;

/**
 * The plain program's parser and writer: JSON lines straight into one primitive array per input for
 * a whole batch, and columns straight out as JSON lines. It handles what the benchmark workloads
 * need (scalars and fixed-length vectors of numbers, booleans and strings) and nothing more, which
 * is what a hand-written program for one job would do.
 */
final class BatchColumns {
  static final JsonFactory JSON =
      JsonFactory.builder()
          .enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER)
          .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
          .build();

  private final List<TensorSpec> inputs;
  private final Map<String, Integer> index = new LinkedHashMap<>();
  private final int[] rowSizes;

  BatchColumns(List<TensorSpec> inputs) {
    this.inputs = inputs;
    this.rowSizes = new int[inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      index.put(inputs.get(i).name(), i);
      long[] shape = inputs.get(i).instanceShape();
      rowSizes[i] = shape == null ? 1 : (int) Column.elementCount(shape);
    }
  }

  /** Parses {@code count} JSON lines into one column per input, in input order. */
  Map<String, Column> parse(byte[][] lines, int count) throws IOException {
    Object[] data = new Object[inputs.size()];
    for (int i = 0; i < data.length; i++) {
      data[i] = newArray(inputs.get(i).dtype(), count * rowSizes[i]);
    }
    for (int row = 0; row < count; row++) {
      try (JsonParser json = JSON.createParser(lines[row])) {
        if (json.nextToken() != JsonToken.START_OBJECT) {
          throw new IOException("Line " + row + " is not a JSON object");
        }
        while (json.nextToken() == JsonToken.FIELD_NAME) {
          Integer i = index.get(json.currentName());
          if (i == null) {
            throw new IOException("Unknown input " + json.currentName());
          }
          JsonToken token = json.nextToken();
          int at = row * rowSizes[i];
          if (token == JsonToken.START_ARRAY) {
            int n = 0;
            while ((token = json.nextToken()) != JsonToken.END_ARRAY) {
              if (n == rowSizes[i]) {
                throw new IOException("Input " + json.currentName() + " is too long");
              }
              put(json, token, data[i], at + n++);
            }
          } else {
            put(json, token, data[i], at);
          }
        }
      }
    }
    Map<String, Column> columns = new LinkedHashMap<>();
    for (int i = 0; i < data.length; i++) {
      long[] instance = inputs.get(i).instanceShape();
      long[] shape = new long[instance.length + 1];
      shape[0] = count;
      System.arraycopy(instance, 0, shape, 1, instance.length);
      columns.put(inputs.get(i).name(), new Column(inputs.get(i).dtype(), shape, data[i]));
    }
    return columns;
  }

  /** Writes row after row of {@code columns} (all batched) as JSON lines. */
  static void write(Map<String, Column> columns, int rows, OutputStream out) throws IOException {
    try (JsonGenerator json = JSON.createGenerator(out)) {
      json.setRootValueSeparator(null);
      for (int row = 0; row < rows; row++) {
        json.writeStartObject();
        for (Map.Entry<String, Column> entry : columns.entrySet()) {
          Column column = entry.getValue();
          json.writeFieldName(entry.getKey());
          int size = column.rowSize();
          if (column.shape().length == 1) {
            writeScalar(json, column, row);
          } else {
            json.writeStartArray();
            for (int k = 0; k < size; k++) {
              writeScalar(json, column, row * size + k);
            }
            json.writeEndArray();
          }
        }
        json.writeEndObject();
        json.writeRaw('\n');
      }
    }
  }

  private static void writeScalar(JsonGenerator json, Column column, int i) throws IOException {
    Object data = column.data();
    switch (column.dtype()) {
      case FLOAT -> json.writeNumber(((float[]) data)[i]);
      case DOUBLE -> json.writeNumber(((double[]) data)[i]);
      case INT32 -> json.writeNumber(((int[]) data)[i]);
      case INT64 -> json.writeNumber(((long[]) data)[i]);
      case UINT8 -> json.writeNumber(((byte[]) data)[i] & 0xff);
      case BOOL -> json.writeBoolean(((boolean[]) data)[i]);
      default -> {
        byte[] bytes = ((byte[][]) data)[i];
        json.writeUTF8String(bytes, 0, bytes.length);
      }
    }
  }

  private static Object newArray(DType dtype, int size) {
    return switch (dtype) {
      case FLOAT -> new float[size];
      case DOUBLE -> new double[size];
      case INT32 -> new int[size];
      case INT64 -> new long[size];
      case UINT8 -> new byte[size];
      case BOOL -> new boolean[size];
      default -> new byte[size][];
    };
  }

  private static void put(JsonParser json, JsonToken token, Object data, int i) throws IOException {
    if (data instanceof float[] floats) {
      floats[i] = json.getFloatValue();
    } else if (data instanceof double[] doubles) {
      doubles[i] = json.getDoubleValue();
    } else if (data instanceof int[] ints) {
      ints[i] = json.getIntValue();
    } else if (data instanceof long[] longs) {
      longs[i] = json.getLongValue();
    } else if (data instanceof byte[] bytes) {
      bytes[i] = (byte) json.getIntValue();
    } else if (data instanceof boolean[] bools) {
      bools[i] = token == JsonToken.VALUE_TRUE;
    } else {
      ((byte[][]) data)[i] = json.getText().getBytes(StandardCharsets.UTF_8);
    }
  }
}
