package org.batchpredict.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.batchpredict.model.DType;
import org.batchpredict.model.ModelSignature;
import org.batchpredict.model.TensorSpec;

/**
 * Turns raw records into {@link Instance}s for one signature, by the rules of the input format.
 *
 * <ul>
 *   <li>JSON and TEXT: a line is a JSON object keyed by input name; when the signature has one
 *       input, the bare value also works. {@code {"b64": "..."}} stands for the decoded bytes.
 *   <li>A signature whose only input is a string gets the raw line or record unparsed (TEXT and
 *       TFRecord always; JSON unless the line is {@code {"b64": ...}} or {@code {"<input>": ...}}).
 *   <li>CSV: cells map to inputs by the file's header, or by the signature's (sorted) input order;
 *       a cell starting with {@code [} is a JSON array.
 * </ul>
 *
 * <p>Numbers are checked against the input's type (no silent rounding of 1.5 into an integer, no
 * int32 overflow) and nested arrays against its declared shape.
 *
 * <p>A parser reuses its buffers from record to record: use one per thread (one per DoFn instance).
 */
final class InstanceParser {
  private final DataFormat format;
  private final List<TensorSpec> inputs;
  private final Map<String, Integer> inputIndex = new HashMap<>();
  private final String inputList;
  private final boolean singleString;
  private final Accumulator[] accumulators;

  InstanceParser(ModelSignature signature, DataFormat format) {
    this.format = format;
    this.inputs = signature.inputs();
    for (int i = 0; i < inputs.size(); i++) {
      inputIndex.put(inputs.get(i).name(), i);
    }
    this.inputList = inputs.stream().map(TensorSpec::name).collect(Collectors.joining(", "));
    this.singleString = signature.takesSingleString();
    this.accumulators = inputs.stream().map(Accumulator::new).toArray(Accumulator[]::new);
  }

  /**
   * Parses one record.
   *
   * @param csvColumns for CSV, the file's header columns, or empty for input order
   * @throws InvalidInstanceException with a message that names the input and the problem but not
   *     the record, so that equal problems count together in the error statistics
   */
  Instance parse(Position position, byte[] record, List<String> csvColumns)
      throws InvalidInstanceException {
    Object[] values = new Object[inputs.size()];
    long[][] shapes = new long[inputs.size()][];
    if (singleString && format != DataFormat.CSV) {
      if (format != DataFormat.JSON || !unwrapSingleString(record, values)) {
        values[0] = new byte[][] {record};
      }
      shapes[0] = new long[0];
      return fitShapes(new Instance(position, record, values, shapes));
    }
    if (format == DataFormat.CSV) {
      parseCsv(record, csvColumns, values, shapes);
    } else {
      parseJson(record, values, shapes);
    }
    return fitShapes(new Instance(position, record, values, shapes));
  }

  // ---------------------------------------------------------------------------------------------
  // JSON

  private void parseJson(byte[] record, Object[] values, long[][] shapes)
      throws InvalidInstanceException {
    try (JsonParser json = Json.FACTORY.createParser(record)) {
      JsonToken first = json.nextToken();
      if (inputs.size() == 1 && first != JsonToken.START_OBJECT) {
        // A one-input signature takes the bare value; an object must name the input.
        readInput(json, 0, values, shapes);
      } else if (first != JsonToken.START_OBJECT) {
        throw new InvalidInstanceException(
            "Expected a JSON object with the inputs " + inputList + ", got " + describe(first));
      } else {
        readObject(json, values, shapes);
      }
      if (json.nextToken() != null) {
        throw new InvalidInstanceException("Malformed JSON: more than one value on the line");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInstanceException("Malformed JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new InvalidInstanceException("Unreadable record: " + e.getMessage());
    }
  }

  /** Reads {@code {"a": ..., "b": ...}}: every input once, nothing else. */
  private void readObject(JsonParser json, Object[] values, long[][] shapes)
      throws IOException, InvalidInstanceException {
    while (json.nextToken() == JsonToken.FIELD_NAME) {
      String name = json.currentName();
      Integer index = inputIndex.get(name);
      if (index == null) {
        throw new InvalidInstanceException(
            "Unknown input \"" + name + "\": the signature takes " + inputList);
      }
      if (values[index] != null) {
        throw new InvalidInstanceException("Input \"" + name + "\" is given twice");
      }
      json.nextToken();
      readInput(json, index, values, shapes);
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (values[i] == null) {
        throw new InvalidInstanceException(
            "Missing input \"" + inputs.get(i).name() + "\": the signature takes " + inputList);
      }
    }
  }

  /** For a one-string-input signature in JSON: {@code {"b64": ...}} or {@code {"<input>": ...}}. */
  private boolean unwrapSingleString(byte[] record, Object[] values) {
    int start = 0;
    while (start < record.length && Character.isWhitespace(record[start])) {
      start++;
    }
    if (start == record.length || record[start] != '{') {
      return false;
    }
    try (JsonParser json = Json.FACTORY.createParser(record)) {
      json.nextToken();
      if (json.nextToken() != JsonToken.FIELD_NAME) {
        return false;
      }
      String field = json.currentName();
      JsonToken valueToken = json.nextToken();
      byte[] bytes;
      if (field.equals("b64") && valueToken == JsonToken.VALUE_STRING) {
        bytes = Base64.getDecoder().decode(json.getText());
      } else if (field.equals(inputs.get(0).name())) {
        bytes = readBytesValue(json, valueToken);
      } else {
        return false;
      }
      if (json.nextToken() != JsonToken.END_OBJECT || json.nextToken() != null) {
        return false;
      }
      values[0] = new byte[][] {bytes};
      return true;
    } catch (IOException | IllegalArgumentException | InvalidInstanceException e) {
      return false;
    }
  }

  private void readInput(JsonParser json, int index, Object[] values, long[][] shapes)
      throws IOException, InvalidInstanceException {
    Accumulator accumulator = accumulators[index];
    long[] shape = accumulator.readValue(json);
    values[index] = accumulator.toArray();
    shapes[index] = shape;
  }

  private byte[] readBytesValue(JsonParser json, JsonToken token)
      throws IOException, InvalidInstanceException {
    if (token == JsonToken.VALUE_STRING) {
      return json.getText().getBytes(StandardCharsets.UTF_8);
    }
    if (token == JsonToken.START_OBJECT) {
      return Accumulator.readB64(json, inputs.get(0).name());
    }
    throw new InvalidInstanceException("not a string");
  }

  // ---------------------------------------------------------------------------------------------
  // CSV

  private void parseCsv(byte[] record, List<String> csvColumns, Object[] values, long[][] shapes)
      throws InvalidInstanceException {
    List<String> cells;
    try {
      cells = CsvCells.split(record);
    } catch (IllegalArgumentException e) {
      throw new InvalidInstanceException(e.getMessage());
    }
    boolean byHeader = !csvColumns.isEmpty();
    int expected = byHeader ? csvColumns.size() : inputs.size();
    if (cells.size() != expected) {
      throw new InvalidInstanceException(
          "CSV row has "
              + cells.size()
              + " values, expected "
              + expected
              + (byHeader ? " (the header's columns)" : " (the inputs " + inputList + ")"));
    }
    for (int column = 0; column < cells.size(); column++) {
      int index = byHeader ? inputIndex.get(csvColumns.get(column)) : column;
      if (values[index] != null) {
        throw new InvalidInstanceException(
            "CSV header names input \"" + inputs.get(index).name() + "\" twice");
      }
      readCell(cells.get(column), index, values, shapes);
    }
    for (int i = 0; i < inputs.size(); i++) {
      if (values[i] == null) {
        throw new InvalidInstanceException(
            "Missing input \"" + inputs.get(i).name() + "\": the CSV header lacks it");
      }
    }
  }

  private void readCell(String cell, int index, Object[] values, long[][] shapes)
      throws InvalidInstanceException {
    TensorSpec spec = inputs.get(index);
    String text = cell.strip();
    if (!text.startsWith("[")) {
      if (spec.dtype() == DType.STRING) {
        values[index] = new byte[][] {cell.getBytes(StandardCharsets.UTF_8)};
        shapes[index] = new long[0];
        return;
      }
      if (text.isEmpty()) {
        throw new InvalidInstanceException("Input \"" + spec.name() + "\" has an empty CSV cell");
      }
      if (spec.dtype() == DType.BOOL) {
        text = text.toLowerCase(java.util.Locale.ROOT);
      }
    }
    try (JsonParser json = Json.FACTORY.createParser(text)) {
      json.nextToken();
      readInput(json, index, values, shapes);
      if (json.nextToken() != null) {
        throw new InvalidInstanceException(
            "Input \"" + spec.name() + "\" has a CSV cell that is not one value");
      }
    } catch (JsonProcessingException e) {
      throw new InvalidInstanceException(
          "Input \""
              + spec.name()
              + "\" expects "
              + spec.dtype()
              + " values, got a CSV cell "
              + "that is not one");
    } catch (IOException e) {
      throw new InvalidInstanceException("Unreadable CSV cell: " + e.getMessage());
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Shapes

  /** Checks each value's shape against the signature's declared instance shape. */
  private Instance fitShapes(Instance instance) throws InvalidInstanceException {
    for (int i = 0; i < inputs.size(); i++) {
      TensorSpec spec = inputs.get(i);
      long[] declared = spec.instanceShape();
      long[] actual = instance.shapes[i];
      if (declared == null) {
        continue;
      }
      boolean fits = declared.length == actual.length;
      for (int d = 0; fits && d < declared.length; d++) {
        fits = declared[d] < 0 || declared[d] == actual[d];
      }
      if (!fits) {
        throw new InvalidInstanceException(
            "Input \""
                + spec.name()
                + "\" expects shape "
                + shapeText(declared)
                + " per instance, got "
                + shapeText(actual));
      }
    }
    return instance;
  }

  static String shapeText(long[] shape) {
    return Arrays.toString(Arrays.stream(shape).mapToObj(d -> d < 0 ? "?" : "" + d).toArray());
  }

  static String describe(JsonToken token) {
    if (token == null) {
      return "nothing";
    }
    switch (token) {
      case START_ARRAY:
        return "an array";
      case START_OBJECT:
        return "an object";
      case VALUE_STRING:
        return "a string";
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return "a number";
      case VALUE_TRUE:
      case VALUE_FALSE:
        return "a boolean";
      case VALUE_NULL:
        return "null";
      default:
        return token.asString();
    }
  }
}
