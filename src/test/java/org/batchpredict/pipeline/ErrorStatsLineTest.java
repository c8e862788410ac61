package org.batchpredict.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.beam.sdk.values.KV;
import org.junit.jupiter.api.Test;

class ErrorStatsLineTest {
  @Test
  void messagesAreQuotedAsPythonQuotesAString() {
    assertThat(PredictionPipeline.errorStatsLine(KV.of("Bad value", 16L)))
        .isEqualTo("('Bad value', 16)");
    assertThat(PredictionPipeline.errorStatsLine(KV.of("can't parse", 2L)))
        .isEqualTo("(\"can't parse\", 2)");
    assertThat(PredictionPipeline.errorStatsLine(KV.of("it's \"x\"\n", 1L)))
        .isEqualTo("('it\\'s \"x\"\\n', 1)");
  }
}
