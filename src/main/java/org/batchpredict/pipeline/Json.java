package org.batchpredict.pipeline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadFeature;

/** The one Jackson factory the pipeline parses and writes JSON with (thread-safe, reused). */
final class Json {
  static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.USE_FAST_DOUBLE_PARSER).build();

  private Json() {}
}
