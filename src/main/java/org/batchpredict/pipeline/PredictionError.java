package org.batchpredict.pipeline;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import org.apache.beam.sdk.coders.CustomCoder;

/**
 * One instance that got no prediction: where it came from, what it held (cut to {@link
 * #MAX_INPUT_CHARS}), which step failed and why.
 *
 * <p>{@link #message} is the same for every instance that failed for the same reason, so that the
 * error statistics group them; details that vary per instance go into {@link #input} and {@link
 * #position}.
 */
public final class PredictionError {
  static final int MAX_INPUT_CHARS = 1000;

  /** The step that rejected the instance. */
  public enum Stage {
    READ,
    PARSE,
    PREDICT
  }

  final Position position;
  final Stage stage;
  final String input;
  final String message;

  PredictionError(Position position, Stage stage, String input, String message) {
    this.position = position;
    this.stage = stage;
    this.input = input.length() > MAX_INPUT_CHARS ? input.substring(0, MAX_INPUT_CHARS) : input;
    this.message = message;
  }

  String message() {
    return message;
  }

  /** One line of the {@code prediction.errors} files. */
  String toJson() {
    StringWriter text = new StringWriter();
    try (var json = Json.FACTORY.createGenerator(text)) {
      json.writeStartObject();
      json.writeStringField("source", position.file());
      json.writeNumberField(position.kind().fieldName(), position.number());
      json.writeStringField("stage", stage.name());
      json.writeStringField("error", message);
      json.writeStringField("input", input);
      json.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  @Override
  public String toString() {
    return position + ": " + message;
  }

  /** A deterministic binary coder. */
  static final class Coder extends CustomCoder<PredictionError> {
    static final Coder INSTANCE = new Coder();

    @Override
    public void encode(PredictionError error, OutputStream outStream) throws IOException {
      DataOutputStream out = new DataOutputStream(outStream);
      out.writeUTF(error.position.file());
      out.writeByte(error.position.kind().ordinal());
      out.writeLong(error.position.number());
      out.writeByte(error.stage.ordinal());
      writeLongString(out, error.input);
      writeLongString(out, error.message);
      out.flush();
    }

    @Override
    public PredictionError decode(InputStream inStream) throws IOException {
      DataInputStream in = new DataInputStream(inStream);
      Position position =
          new Position(in.readUTF(), Position.Kind.values()[in.readByte()], in.readLong());
      Stage stage = Stage.values()[in.readByte()];
      return new PredictionError(position, stage, readLongString(in), readLongString(in));
    }

    @Override
    public void verifyDeterministic() {}

    private static void writeLongString(DataOutputStream out, String value) throws IOException {
      byte[] bytes = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      out.writeInt(bytes.length);
      out.write(bytes);
    }

    private static String readLongString(DataInputStream in) throws IOException {
      byte[] bytes = new byte[in.readInt()];
      in.readFully(bytes);
      return new String(bytes, java.nio.charset.StandardCharsets.UTF_8);
    }
  }
}
