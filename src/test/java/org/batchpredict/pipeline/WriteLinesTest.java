package org.batchpredict.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WriteLinesTest {
  @TempDir Path dir;

  @Test
  void bundleFilesBecomeNumberedShardsAndAbandonedAttemptsAreRemoved() throws Exception {
    String prefix = dir.resolve("prediction.results").toString();
    Path second = Files.writeString(dir.resolve(".temp-prediction.results-run1-b"), "2\n");
    Path first = Files.writeString(dir.resolve(".temp-prediction.results-run1-a"), "1\n");
    Files.writeString(dir.resolve(".temp-prediction.results-run1-failed"), "partial");
    Files.writeString(dir.resolve(".temp-prediction.results-run2-other"), "another run's");

    new WriteLines.NameShardsFn(prefix, "run1")
        .process(List.of(second.toString(), first.toString()));

    assertThat(names())
        .containsExactlyInAnyOrder(
            "prediction.results-00000-of-00002",
            "prediction.results-00001-of-00002",
            ".temp-prediction.results-run2-other");
    assertThat(Files.readString(dir.resolve("prediction.results-00000-of-00002"))).isEqualTo("1\n");
  }

  @Test
  void noBundleFilesGiveOneEmptyShard() throws Exception {
    String prefix = dir.resolve("prediction.results").toString();

    new WriteLines.NameShardsFn(prefix, "run1").process(List.of());

    assertThat(names()).containsExactly("prediction.results-00000-of-00001");
    assertThat(Files.size(dir.resolve("prediction.results-00000-of-00001"))).isZero();
  }

  private List<String> names() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(file -> file.getFileName().toString()).toList();
    }
  }
}
