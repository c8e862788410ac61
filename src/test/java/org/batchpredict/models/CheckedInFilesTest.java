package org.batchpredict.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tensorflow.proto.Example;

/**
 * Specifies that the checked-in {@code models/} and {@code testdata/} are exactly what {@link
 * BuildModels} and {@link GenerateTestData} write, and that the files hold the counts and bad
 * records {@code testdata/README.md} documents.
 */
class CheckedInFilesTest {

  private static final Path MODELS = Path.of("models");
  private static final Path TESTDATA = Path.of("testdata");

  @Test
  void rebuiltModelsAreByteIdenticalToCheckedInModels(@TempDir Path root) throws IOException {
    BuildModels.build(root);

    assertSameFiles(root, MODELS);
  }

  @Test
  void regeneratedTestDataIsByteIdenticalToCheckedInFiles(@TempDir Path root) throws IOException {
    GenerateTestData.generate(root);

    assertSameFiles(root, TESTDATA);
  }

  @Test
  void everyModelNamesV1AsDefaultVersion() throws IOException {
    for (String model : List.of("census", "tf_example", "image")) {
      assertThat(Files.readString(MODELS.resolve(model).resolve("default_version")).trim())
          .isEqualTo("v1");
    }
  }

  @Test
  void jsonAndCsvFilesHaveDocumentedLineCounts() throws IOException {
    assertThat(lines("census/instances.json")).hasSize(200);
    assertThat(lines("census/instances.csv")).hasSize(1 + 50);
    assertThat(lines("census/instances_noheader.csv")).hasSize(20);
    assertThat(lines("census/mixed.json")).hasSize(30);
    assertThat(lines("census/features_only.json")).hasSize(10);
    assertThat(lines("image/images.json")).hasSize(14);
    assertThat(Files.size(TESTDATA.resolve("census/empty.json"))).isZero();
  }

  @Test
  void examplesTfRecordHoldsOneHundredExamplesWithIdEqualToIndex() throws IOException {
    List<Framed> records = readFraming(TESTDATA.resolve("tf_example/examples.tfrecord"));

    assertThat(records).hasSize(100);
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i).dataCrcOk()).isTrue();
      Example example = Example.parseFrom(records.get(i).data());
      assertThat(example.getFeatures().getFeatureOrThrow("id").getInt64List().getValue(0))
          .isEqualTo(i);
    }
  }

  @Test
  void corruptTfRecordHasBadCrcAt5NonExampleAt9AndMissingXAt12() throws IOException {
    List<Framed> records = readFraming(TESTDATA.resolve("tf_example/corrupt.tfrecord"));

    assertThat(records).hasSize(20);
    for (int i = 0; i < records.size(); i++) {
      assertThat(records.get(i).dataCrcOk()).as("data CRC of record %d", i).isEqualTo(i != 5);
    }
    assertThat(isExample(records.get(9).data())).isFalse();
    assertThat(Example.parseFrom(records.get(12).data()).getFeatures().getFeatureMap())
        .containsOnlyKeys("id");
    for (int i : new int[] {0, 4, 6, 8, 10, 11, 13, 19}) {
      assertThat(Example.parseFrom(records.get(i).data()).getFeatures().getFeatureMap())
          .containsOnlyKeys("x", "id");
    }
  }

  private static List<String> lines(String file) throws IOException {
    return Files.readAllLines(TESTDATA.resolve(file));
  }

  private static boolean isExample(byte[] data) {
    try {
      Example.parseFrom(data);
      return true;
    } catch (com.google.protobuf.InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** One TFRecord: its data and whether the stored data CRC matches it. */
  private record Framed(byte[] data, boolean dataCrcOk) {}

  private static List<Framed> readFraming(Path file) throws IOException {
    ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    List<Framed> records = new ArrayList<>();
    while (in.hasRemaining()) {
      byte[] length = new byte[8];
      in.get(length);
      assertThat(in.getInt()).isEqualTo(TfRecords.maskedCrc32c(length));
      byte[] data =
          new byte[(int) ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).getLong()];
      in.get(data);
      records.add(new Framed(data, in.getInt() == TfRecords.maskedCrc32c(data)));
    }
    return records;
  }

  private static void assertSameFiles(Path actualRoot, Path expectedRoot) throws IOException {
    List<Path> actual = relativeFiles(actualRoot);
    List<Path> expected =
        relativeFiles(expectedRoot).stream()
            .filter(p -> !p.startsWith("src") && !p.getFileName().toString().equals("README.md"))
            .toList();
    assertThat(actual).containsExactlyInAnyOrderElementsOf(expected);
    for (Path file : actual) {
      assertThat(
              Arrays.equals(
                  Files.readAllBytes(actualRoot.resolve(file)),
                  Files.readAllBytes(expectedRoot.resolve(file))))
          .as("%s is the same in %s and %s", file, actualRoot, expectedRoot)
          .isTrue();
    }
  }

  private static List<Path> relativeFiles(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files.filter(Files::isRegularFile).map(root::relativize).toList();
    }
  }
}
