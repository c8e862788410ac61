package org.batchpredict.pipeline;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import org.batchpredict.model.DType;
import org.batchpredict.model.TensorSpec;

/**
 * Reads one JSON value (a scalar or nested arrays) for one input straight into a flat primitive
 * array of the input's type, and works out its shape: no intermediate JSON tree, no boxing.
 *
 * <p>One accumulator serves value after value of its input ({@link #readValue} starts afresh), so
 * its buffers are allocated once per parser, not once per instance.
 */
final class Accumulator {
  private static final int MAX_RANK = 32;

  private final TensorSpec spec;
  private final DType dtype;
  private float[] floats;
  private double[] doubles;
  private int[] ints;
  private long[] longs;
  private byte[] uint8s;
  private boolean[] bools;
  private byte[][] strings;
  private int size;

  /** Dimensions found so far, by depth; -1 where no array at that depth has been seen. */
  private final long[] dims = new long[MAX_RANK];

  private int rank = -1;

  Accumulator(TensorSpec spec) {
    this.spec = spec;
    this.dtype = spec.dtype();
    Arrays.fill(dims, -1);
    int capacity = 8;
    switch (dtype) {
      case FLOAT:
        floats = new float[capacity];
        break;
      case DOUBLE:
        doubles = new double[capacity];
        break;
      case INT32:
        ints = new int[capacity];
        break;
      case INT64:
        longs = new long[capacity];
        break;
      case UINT8:
        uint8s = new byte[capacity];
        break;
      case BOOL:
        bools = new boolean[capacity];
        break;
      default:
        strings = new byte[capacity][];
    }
  }

  /**
   * Reads the value at the parser's current token.
   *
   * @return the value's shape
   */
  long[] readValue(JsonParser json) throws IOException, InvalidInstanceException {
    reset();
    read(json, json.currentToken(), 0);
    if (rank < 0) {
      // Only empty arrays: the shape is what those arrays spelled out.
      int depth = 0;
      while (depth < MAX_RANK && dims[depth] >= 0) {
        depth++;
      }
      rank = depth;
    }
    long[] shape = Arrays.copyOf(dims, rank);
    return shape;
  }

  /** Forgets the last value: no values, no dimensions seen. */
  private void reset() {
    if (strings != null) {
      Arrays.fill(strings, 0, size, null);
    }
    size = 0;
    rank = -1;
    Arrays.fill(dims, -1);
  }

  /** The values read, as the flat array {@link org.batchpredict.model.Column} expects. */
  Object toArray() {
    switch (dtype) {
      case FLOAT:
        return Arrays.copyOf(floats, size);
      case DOUBLE:
        return Arrays.copyOf(doubles, size);
      case INT32:
        return Arrays.copyOf(ints, size);
      case INT64:
        return Arrays.copyOf(longs, size);
      case UINT8:
        return Arrays.copyOf(uint8s, size);
      case BOOL:
        return Arrays.copyOf(bools, size);
      default:
        return Arrays.copyOf(strings, size);
    }
  }

  private void read(JsonParser json, JsonToken token, int depth)
      throws IOException, InvalidInstanceException {
    if (token == JsonToken.START_ARRAY) {
      if (depth >= MAX_RANK || (rank >= 0 && depth >= rank)) {
        throw ragged();
      }
      long length = 0;
      JsonToken next;
      while ((next = json.nextToken()) != JsonToken.END_ARRAY) {
        if (next == null) {
          throw new InvalidInstanceException("Malformed JSON: unterminated array");
        }
        read(json, next, depth + 1);
        length++;
      }
      if (dims[depth] < 0) {
        dims[depth] = length;
      } else if (dims[depth] != length) {
        throw ragged();
      }
      return;
    }
    if (rank < 0) {
      rank = depth;
    } else if (rank != depth) {
      throw ragged();
    }
    if (token == JsonToken.START_OBJECT) {
      if (dtype != DType.STRING) {
        throw wrongType(token);
      }
      add(readB64(json, spec.name()));
      return;
    }
    addScalar(json, token);
  }

  /** Reads {@code {"b64": "..."}} (the parser is on its opening) into the decoded bytes. */
  static byte[] readB64(JsonParser json, String input)
      throws IOException, InvalidInstanceException {
    if (json.nextToken() != JsonToken.FIELD_NAME
        || !json.currentName().equals("b64")
        || json.nextToken() != JsonToken.VALUE_STRING) {
      throw new InvalidInstanceException(
          "Input \"" + input + "\" got an object other than {\"b64\": \"...\"}");
    }
    byte[] bytes;
    try {
      bytes = Base64.getDecoder().decode(json.getText());
    } catch (IllegalArgumentException e) {
      throw new InvalidInstanceException("Input \"" + input + "\" has invalid base64 data");
    }
    if (json.nextToken() != JsonToken.END_OBJECT) {
      throw new InvalidInstanceException(
          "Input \"" + input + "\" got an object other than {\"b64\": \"...\"}");
    }
    return bytes;
  }

  private void addScalar(JsonParser json, JsonToken token)
      throws IOException, InvalidInstanceException {
    switch (dtype) {
      case FLOAT:
        requireNumber(token);
        grow();
        floats[size++] = json.getFloatValue();
        return;
      case DOUBLE:
        requireNumber(token);
        grow();
        doubles[size++] = json.getDoubleValue();
        return;
      case INT32:
        {
          long value = integer(json, token);
          if (value < Integer.MIN_VALUE || value > Integer.MAX_VALUE) {
            throw outOfRange();
          }
          grow();
          ints[size++] = (int) value;
          return;
        }
      case INT64:
        {
          long value = integer(json, token);
          grow();
          longs[size++] = value;
          return;
        }
      case UINT8:
        {
          long value = integer(json, token);
          if (value < 0 || value > 255) {
            throw outOfRange();
          }
          grow();
          uint8s[size++] = (byte) value;
          return;
        }
      case BOOL:
        if (token != JsonToken.VALUE_TRUE && token != JsonToken.VALUE_FALSE) {
          throw wrongType(token);
        }
        grow();
        bools[size++] = token == JsonToken.VALUE_TRUE;
        return;
      default:
        if (token != JsonToken.VALUE_STRING) {
          throw wrongType(token);
        }
        add(json.getText().getBytes(StandardCharsets.UTF_8));
    }
  }

  private void add(byte[] bytes) {
    grow();
    strings[size++] = bytes;
  }

  private long integer(JsonParser json, JsonToken token)
      throws IOException, InvalidInstanceException {
    if (token != JsonToken.VALUE_NUMBER_INT) {
      throw wrongType(token);
    }
    if (json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      throw outOfRange();
    }
    return json.getLongValue();
  }

  private void requireNumber(JsonToken token) throws InvalidInstanceException {
    if (token != JsonToken.VALUE_NUMBER_INT && token != JsonToken.VALUE_NUMBER_FLOAT) {
      throw wrongType(token);
    }
  }

  private void grow() {
    int capacity;
    switch (dtype) {
      case FLOAT:
        capacity = floats.length;
        break;
      case DOUBLE:
        capacity = doubles.length;
        break;
      case INT32:
        capacity = ints.length;
        break;
      case INT64:
        capacity = longs.length;
        break;
      case UINT8:
        capacity = uint8s.length;
        break;
      case BOOL:
        capacity = bools.length;
        break;
      default:
        capacity = strings.length;
    }
    if (size < capacity) {
      return;
    }
    int bigger = capacity * 2;
    switch (dtype) {
      case FLOAT:
        floats = Arrays.copyOf(floats, bigger);
        break;
      case DOUBLE:
        doubles = Arrays.copyOf(doubles, bigger);
        break;
      case INT32:
        ints = Arrays.copyOf(ints, bigger);
        break;
      case INT64:
        longs = Arrays.copyOf(longs, bigger);
        break;
      case UINT8:
        uint8s = Arrays.copyOf(uint8s, bigger);
        break;
      case BOOL:
        bools = Arrays.copyOf(bools, bigger);
        break;
      default:
        strings = Arrays.copyOf(strings, bigger);
    }
  }

  private InvalidInstanceException wrongType(JsonToken token) {
    String expected;
    switch (dtype) {
      case FLOAT:
      case DOUBLE:
        expected = "numbers";
        break;
      case INT32:
      case INT64:
      case UINT8:
        expected = "integers";
        break;
      case BOOL:
        expected = "true or false";
        break;
      default:
        expected = "strings or {\"b64\": ...} objects";
    }
    return new InvalidInstanceException(
        "Input \""
            + spec.name()
            + "\" ("
            + dtype
            + ") expects "
            + expected
            + ", got "
            + InstanceParser.describe(token));
  }

  private InvalidInstanceException outOfRange() {
    return new InvalidInstanceException(
        "Input \"" + spec.name() + "\" has a value out of the range of " + dtype);
  }

  private InvalidInstanceException ragged() {
    return new InvalidInstanceException(
        "Input \"" + spec.name() + "\" has nested arrays of uneven lengths or depths");
  }
}
