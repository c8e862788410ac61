package org.batchpredict.pipeline;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** Helpers for showing raw input bytes and telling text from binary. */
final class Inputs {
  private Inputs() {}

  /** The bytes as text when they are UTF-8, else as base64 (prefixed {@code b64:}). */
  static String preview(byte[] bytes) {
    String text = utf8OrNull(bytes);
    if (text != null) {
      return text;
    }
    int limit = Math.min(bytes.length, PredictionError.MAX_INPUT_CHARS);
    return "b64:" + Base64.getEncoder().encodeToString(java.util.Arrays.copyOf(bytes, limit));
  }

  /** The bytes decoded as UTF-8, or {@code null} when they are not valid UTF-8. */
  static String utf8OrNull(byte[] bytes) {
    if (isAscii(bytes)) {
      // The common case for keys and labels, without a decoder per value.
      return new String(bytes, StandardCharsets.US_ASCII);
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static boolean isAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0) {
        return false;
      }
    }
    return true;
  }
}
