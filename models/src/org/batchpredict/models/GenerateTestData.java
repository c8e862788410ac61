package org.batchpredict.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.batchpredict.models.ExampleInputs.CensusInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.proto.Example;
import org.tensorflow.proto.Feature;
import org.tensorflow.proto.Features;
import org.tensorflow.proto.FloatList;
import org.tensorflow.proto.Int64List;

/**
 * Writes the input files under {@code testdata/} from the formulas in {@link ExampleInputs}.
 *
 * <p>Usage: {@code GenerateTestData [root]}, root defaulting to {@code testdata}. The output is
 * byte-for-byte the same on every run. The files, their counts and their bad records are listed in
 * {@code testdata/README.md}; the bad positions are also the constants below.
 */
public final class GenerateTestData {

  private static final Logger LOG = LoggerFactory.getLogger(GenerateTestData.class);

  /** Census instances in {@code census/instances.json} (and its gzip copy). */
  public static final int CENSUS_JSON_COUNT = 200;

  /** Rows after the header in {@code census/instances.csv}. */
  public static final int CENSUS_CSV_COUNT = 50;

  /** Rows in {@code census/instances_noheader.csv}. */
  public static final int CENSUS_NOHEADER_CSV_COUNT = 20;

  /** Header of {@code census/instances.csv}: the signature's order, not alphabetical. */
  public static final List<String> CENSUS_CSV_HEADER =
      List.of(
          "key",
          "age",
          "hours_per_week",
          "capital_gain",
          "is_married",
          "education_code",
          "features");

  /** Column order of {@code census/instances_noheader.csv}: input names sorted. */
  public static final List<String> CENSUS_NOHEADER_COLUMNS =
      CENSUS_CSV_HEADER.stream().sorted().toList();

  /** Lines in {@code census/mixed.json}. */
  public static final int MIXED_LINE_COUNT = 30;

  /** The bad lines of {@code census/mixed.json}, 1-based, and why each is bad. */
  public static final Map<Integer, String> MIXED_BAD_LINES =
      Map.of(
          3, "malformed JSON: truncated object",
          7, "wrong shape: features has 3 values instead of 4",
          11, "wrong type: age is the string \"abc\"",
          15, "bool given as a number: is_married is 1",
          19, "missing input: no hours_per_week",
          23, "unknown extra input: zip_code",
          26, "int32 overflow: education_code is 3000000000",
          29, "a JSON array instead of an object");

  /** Lines in {@code census/features_only.json}. */
  public static final int FEATURES_ONLY_COUNT = 10;

  /** Records in {@code tf_example/examples.tfrecord} (and its gzip copy). */
  public static final int TF_RECORD_COUNT = 100;

  /** Records in {@code tf_example/corrupt.tfrecord}. */
  public static final int CORRUPT_RECORD_COUNT = 20;

  /** The bad records of {@code tf_example/corrupt.tfrecord}, 0-based, and why each is bad. */
  public static final Map<Integer, String> CORRUPT_BAD_RECORDS =
      Map.of(
          5, "wrong data CRC (the data itself is a valid tf.Example)",
          9, "data is not a tf.Example (the ASCII text \"not a tf.Example\")",
          12, "valid tf.Example without feature x (only id)");

  /** Good images in {@code image/images.json}, keys img00..img11. */
  public static final int IMAGE_COUNT = 12;

  /** The bad lines of {@code image/images.json}, 1-based, and why each is bad. */
  public static final Map<Integer, String> IMAGE_BAD_LINES =
      Map.of(
          5, "invalid base64 in image_bytes.b64 (key bad_b64)",
          10, "valid base64 of bytes that are not an image (key bad_image)");

  private static final ObjectMapper JSON = new ObjectMapper();

  private GenerateTestData() {}

  public static void main(String[] args) throws IOException {
    Path root = Path.of(args.length > 0 ? args[0] : "testdata");
    generate(root);
  }

  /** Writes every test input file under {@code root}. */
  public static void generate(Path root) throws IOException {
    Path census = Files.createDirectories(root.resolve("census"));
    writeLines(census.resolve("instances.json"), censusJsonLines());
    Files.write(census.resolve("instances.json.gz"), gzip(lines(censusJsonLines())));
    writeLines(census.resolve("instances.csv"), censusCsvWithHeader());
    writeLines(census.resolve("instances_noheader.csv"), censusCsvWithoutHeader());
    writeLines(census.resolve("mixed.json"), mixedJsonLines());
    Files.write(census.resolve("empty.json"), new byte[0]);
    writeLines(census.resolve("features_only.json"), featuresOnlyLines());

    Path tfExample = Files.createDirectories(root.resolve("tf_example"));
    byte[] examples = goodTfRecords();
    Files.write(tfExample.resolve("examples.tfrecord"), examples);
    Files.write(tfExample.resolve("examples.tfrecord.gz"), gzip(examples));
    Files.write(tfExample.resolve("corrupt.tfrecord"), corruptTfRecords());

    Path image = Files.createDirectories(root.resolve("image"));
    writeLines(image.resolve("images.json"), imageJsonLines());
    LOG.info("Wrote test data under {}", root);
  }

  /** Census key of instance {@code i}: {@code c000} to {@code c199}. */
  public static String censusKey(int i) {
    return String.format("c%03d", i);
  }

  /**
   * Key of line {@code line} (1-based) of {@code census/mixed.json}: {@code m00} to {@code m29}.
   */
  public static String mixedKey(int line) {
    return String.format("m%02d", line - 1);
  }

  /** Key of example image {@code n}: {@code img00} to {@code img11}. */
  public static String imageKey(int n) {
    return String.format("img%02d", n);
  }

  /** The tf.Example of record {@code i}: {@code x} from {@link ExampleInputs}, {@code id = i}. */
  public static Example tfExample(int i) {
    FloatList.Builder x = FloatList.newBuilder();
    for (float v : ExampleInputs.tfExampleX(i)) {
      x.addValue(v);
    }
    return Example.newBuilder()
        .setFeatures(
            Features.newBuilder()
                .putFeature("x", Feature.newBuilder().setFloatList(x).build())
                .putFeature("id", idFeature(i)))
        .build();
  }

  private static List<String> censusJsonLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < CENSUS_JSON_COUNT; i++) {
      lines.add(censusJson(ExampleInputs.census(censusKey(i), i)).toString());
    }
    return lines;
  }

  private static ObjectNode censusJson(CensusInstance instance) {
    ObjectNode node = JSON.createObjectNode();
    node.put("key", instance.key());
    node.put("age", instance.age());
    node.put("hours_per_week", instance.hoursPerWeek());
    node.put("capital_gain", instance.capitalGain());
    node.put("is_married", instance.isMarried());
    node.put("education_code", instance.educationCode());
    node.set("features", floatArray(instance.features()));
    return node;
  }

  private static List<String> censusCsvWithHeader() {
    List<String> lines = new ArrayList<>();
    lines.add(String.join(",", CENSUS_CSV_HEADER));
    lines.addAll(censusCsvRows(CENSUS_CSV_COUNT, CENSUS_CSV_HEADER));
    return lines;
  }

  private static List<String> censusCsvWithoutHeader() {
    return censusCsvRows(CENSUS_NOHEADER_CSV_COUNT, CENSUS_NOHEADER_COLUMNS);
  }

  private static List<String> censusCsvRows(int count, List<String> columns) {
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      CensusInstance instance = ExampleInputs.census(censusKey(i), i);
      Map<String, String> cells =
          Map.of(
              "key", instance.key(),
              "age", String.valueOf(instance.age()),
              "hours_per_week", String.valueOf(instance.hoursPerWeek()),
              "capital_gain", String.valueOf(instance.capitalGain()),
              "is_married", String.valueOf(instance.isMarried()),
              "education_code", String.valueOf(instance.educationCode()),
              // A JSON array holds commas, so CSV needs it quoted.
              "features", "\"" + floatArray(instance.features()) + "\"");
      rows.add(String.join(",", columns.stream().map(cells::get).toList()));
    }
    return rows;
  }

  private static List<String> mixedJsonLines() {
    List<String> lines = new ArrayList<>();
    for (int line = 1; line <= MIXED_LINE_COUNT; line++) {
      ObjectNode good = censusJson(ExampleInputs.census(mixedKey(line), line - 1));
      lines.add(MIXED_BAD_LINES.containsKey(line) ? mixedBadLine(line, good) : good.toString());
    }
    return lines;
  }

  /** Spoils the good instance of {@code line} in the way {@link #MIXED_BAD_LINES} says. */
  private static String mixedBadLine(int line, ObjectNode instance) {
    switch (line) {
      case 3:
        String whole = instance.toString();
        return whole.substring(0, whole.indexOf("\"hours_per_week\"") + "\"hours_per".length());
      case 7:
        instance.set("features", JSON.createArrayNode().add(1.0).add(2.0).add(3.0));
        return instance.toString();
      case 11:
        instance.put("age", "abc");
        return instance.toString();
      case 15:
        instance.put("is_married", 1);
        return instance.toString();
      case 19:
        instance.remove("hours_per_week");
        return instance.toString();
      case 23:
        instance.put("zip_code", 94110);
        return instance.toString();
      case 26:
        instance.put("education_code", 3000000000L);
        return instance.toString();
      case 29:
        ArrayNode values = JSON.createArrayNode();
        instance.elements().forEachRemaining(values::add);
        return values.toString();
      default:
        throw new IllegalArgumentException("Line " + line + " of mixed.json is not a bad line");
    }
  }

  private static List<String> featuresOnlyLines() {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < FEATURES_ONLY_COUNT; i++) {
      lines.add(floatArray(ExampleInputs.censusFeatures(i)).toString());
    }
    return lines;
  }

  private static byte[] goodTfRecords() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < TF_RECORD_COUNT; i++) {
      TfRecords.write(out, tfExample(i).toByteArray());
    }
    return out.toByteArray();
  }

  private static byte[] corruptTfRecords() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < CORRUPT_RECORD_COUNT; i++) {
      switch (i) {
        case 5 -> {
          byte[] data = tfExample(i).toByteArray();
          TfRecords.write(out, data, TfRecords.maskedCrc32c(data) + 1);
        }
        case 9 -> TfRecords.write(out, "not a tf.Example".getBytes(StandardCharsets.US_ASCII));
        case 12 -> {
          Example withoutX =
              Example.newBuilder()
                  .setFeatures(Features.newBuilder().putFeature("id", idFeature(i)))
                  .build();
          TfRecords.write(out, withoutX.toByteArray());
        }
        default -> TfRecords.write(out, tfExample(i).toByteArray());
      }
    }
    return out.toByteArray();
  }

  private static List<String> imageJsonLines() {
    List<String> lines = new ArrayList<>();
    int image = 0;
    for (int lineNumber = 1; lineNumber <= IMAGE_COUNT + IMAGE_BAD_LINES.size(); lineNumber++) {
      switch (lineNumber) {
        case 5 -> lines.add(imageJson("bad_b64", "not*valid*base64!"));
        case 10 ->
            lines.add(
                imageJson(
                    "bad_image",
                    Base64.getEncoder()
                        .encodeToString(
                            "this is not an image".getBytes(StandardCharsets.US_ASCII))));
        default -> {
          byte[] png = ExampleInputs.imagePng(image);
          lines.add(imageJson(imageKey(image), Base64.getEncoder().encodeToString(png)));
          image++;
        }
      }
    }
    return lines;
  }

  private static String imageJson(String key, String b64) {
    ObjectNode node = JSON.createObjectNode();
    node.put("key", key);
    node.putObject("image_bytes").put("b64", b64);
    return node.toString();
  }

  private static Feature idFeature(long id) {
    return Feature.newBuilder().setInt64List(Int64List.newBuilder().addValue(id)).build();
  }

  private static ArrayNode floatArray(float[] values) {
    ArrayNode array = JSON.createArrayNode();
    for (float v : values) {
      array.add(v);
    }
    return array;
  }

  private static byte[] lines(List<String> lines) {
    return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
  }

  private static void writeLines(Path file, List<String> lines) throws IOException {
    Files.write(file, lines(lines));
  }

  private static byte[] gzip(byte[] bytes) throws IOException {
    ByteArrayOutputStream compressed = new ByteArrayOutputStream();
    try (OutputStream out = new GZIPOutputStream(compressed)) {
      out.write(bytes);
    }
    return compressed.toByteArray();
  }
}
