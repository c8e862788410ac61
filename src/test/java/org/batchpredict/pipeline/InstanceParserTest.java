package org.batchpredict.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.batchpredict.model.DType;
import org.batchpredict.model.ModelSignature;
import org.batchpredict.model.TensorSpec;
import org.junit.jupiter.api.Test;

class InstanceParserTest {
  private static final Position WHERE = new Position("in.json", Position.Kind.LINE, 1);

  private static final ModelSignature TABULAR =
      signature(
          spec("age", DType.FLOAT, -1),
          spec("count", DType.INT32, -1),
          spec("features", DType.DOUBLE, -1, 2),
          spec("flag", DType.BOOL, -1),
          spec("id", DType.INT64, -1),
          spec("name", DType.STRING, -1));

  @Test
  void jsonObjectFillsEachInputWithItsTypeAndShape() throws Exception {
    Instance instance =
        parse(
            TABULAR,
            DataFormat.JSON,
            "{\"age\": 3.5, \"count\": 7, \"features\": [1, 2.5], \"flag\": true,"
                + " \"id\": 9007199254740993, \"name\": \"ab\"}");

    assertThat((float[]) instance.values[0]).containsExactly(3.5f);
    assertThat((int[]) instance.values[1]).containsExactly(7);
    assertThat((double[]) instance.values[2]).containsExactly(1.0, 2.5);
    assertThat(instance.shapes[2]).containsExactly(2);
    assertThat((boolean[]) instance.values[3]).containsExactly(true);
    assertThat((long[]) instance.values[4]).containsExactly(9007199254740993L);
    assertThat(new String(((byte[][]) instance.values[5])[0], StandardCharsets.UTF_8))
        .isEqualTo("ab");
    assertThat(instance.shapes[0]).isEmpty();
  }

  @Test
  void b64ObjectStandsForTheDecodedBytes() throws Exception {
    ModelSignature signature = signature(spec("key", DType.STRING, -1), spec("img", DType.STRING));

    Instance instance =
        parse(signature, DataFormat.JSON, "{\"key\": \"k\", \"img\": {\"b64\": \"AAEC\"}}");

    assertThat(((byte[][]) instance.values[0])[0]).containsExactly(0, 1, 2);
  }

  @Test
  void aOneInputSignatureTakesTheBareValueOrAnObjectNamingIt() throws Exception {
    ModelSignature signature = signature(spec("x", DType.FLOAT, -1, 3));

    assertThat((float[]) parse(signature, DataFormat.JSON, "[1, 2, 3]").values[0])
        .containsExactly(1f, 2f, 3f);
    assertThat((float[]) parse(signature, DataFormat.JSON, "{\"x\": [4, 5, 6]}").values[0])
        .containsExactly(4f, 5f, 6f);
  }

  @Test
  void aSingleStringInputGetsTheRawLineUnparsed() throws Exception {
    ModelSignature signature = signature(spec("text", DType.STRING, -1));

    assertThat(raw(parse(signature, DataFormat.TEXT, "{\"b64\": \"AAEC\"}")))
        .isEqualTo("{\"b64\": \"AAEC\"}");
    assertThat(raw(parse(signature, DataFormat.JSON, "plain words, not JSON")))
        .isEqualTo("plain words, not JSON");
    assertThat(raw(parse(signature, DataFormat.JSON, "{\"text\": \"named\"}"))).isEqualTo("named");
    assertThat(((byte[][]) parse(signature, DataFormat.JSON, "{\"b64\": \"AAEC\"}").values[0])[0])
        .containsExactly(0, 1, 2);
  }

  @Test
  void typeMismatchesNameTheInputAndWhatCame() {
    assertFails(TABULAR, valid().replace("\"count\": 7", "\"count\": 7.5"))
        .hasMessage("Input \"count\" (INT32) expects integers, got a number");
    assertFails(TABULAR, valid().replace("\"count\": 7", "\"count\": 3000000000"))
        .hasMessage("Input \"count\" has a value out of the range of INT32");
    assertFails(TABULAR, valid().replace("\"flag\": true", "\"flag\": \"yes\""))
        .hasMessage("Input \"flag\" (BOOL) expects true or false, got a string");
    assertFails(TABULAR, valid().replace("\"name\": \"ab\"", "\"name\": 5"))
        .hasMessage(
            "Input \"name\" (STRING) expects strings or {\"b64\": ...} objects, got a number");
  }

  @Test
  void shapesAreCheckedAgainstTheSignature() {
    assertFails(TABULAR, valid().replace("[1, 2.5]", "[1, 2, 3]"))
        .hasMessage("Input \"features\" expects shape [2] per instance, got [3]");
    assertFails(TABULAR, valid().replace("[1, 2.5]", "[[1], [2, 3]]"))
        .hasMessage("Input \"features\" has nested arrays of uneven lengths or depths");
    assertFails(TABULAR, valid().replace("\"age\": 3.5", "\"age\": [3.5]"))
        .hasMessage("Input \"age\" expects shape [] per instance, got [1]");
  }

  @Test
  void missingUnknownAndRepeatedInputsAreRefused() {
    assertFails(TABULAR, valid().replace("\"age\": 3.5, ", ""))
        .hasMessageStartingWith("Missing input \"age\"");
    assertFails(TABULAR, valid().replace("\"age\": 3.5", "\"agee\": 3.5"))
        .hasMessageStartingWith("Unknown input \"agee\": the signature takes age, count,");
    assertFails(TABULAR, valid().replace("\"age\": 3.5", "\"age\": 3.5, \"age\": 1"))
        .hasMessage("Input \"age\" is given twice");
    assertFails(TABULAR, "{\"age\": 3.5").hasMessageStartingWith("Malformed JSON");
    assertFails(TABULAR, valid() + " {}")
        .hasMessage("Malformed JSON: more than one value on the line");
  }

  @Test
  void variableDimensionsTakeEachInstancesOwnShape() throws Exception {
    ModelSignature signature = signature(spec("tokens", DType.INT64, -1, -1));

    Instance shortOne = parse(signature, DataFormat.JSON, "[1, 2]");
    Instance longOne = parse(signature, DataFormat.JSON, "[1, 2, 3]");

    assertThat(shortOne.shapeKey()).isNotEqualTo(longOne.shapeKey());
    assertThat(longOne.shapes[0]).containsExactly(3);
  }

  @Test
  void csvCellsMapByHeaderOrByInputOrder() throws Exception {
    ModelSignature signature =
        signature(
            spec("a", DType.FLOAT, -1), spec("b", DType.STRING, -1), spec("c", DType.INT32, -1, 2));

    Instance byHeader =
        parse(signature, DataFormat.CSV, "x y,\"[1,2]\",1.5", List.of("b", "c", "a"));
    Instance byOrder = parse(signature, DataFormat.CSV, "1.5,x y,\"[1, 2]\"", List.of());

    for (Instance instance : List.of(byHeader, byOrder)) {
      assertThat((float[]) instance.values[0]).containsExactly(1.5f);
      assertThat(raw(instance, 1)).isEqualTo("x y");
      assertThat((int[]) instance.values[2]).containsExactly(1, 2);
    }
  }

  @Test
  void csvRowsWithTheWrongNumberOfCellsOrEmptyNumbersAreRefused() {
    ModelSignature signature = signature(spec("a", DType.FLOAT, -1), spec("b", DType.BOOL, -1));
    InstanceParser parser = new InstanceParser(signature, DataFormat.CSV);

    assertThatThrownBy(() -> parser.parse(WHERE, bytes("1.5"), List.of()))
        .hasMessage("CSV row has 1 values, expected 2 (the inputs a, b)");
    assertThatThrownBy(() -> parser.parse(WHERE, bytes(",true"), List.of()))
        .hasMessage("Input \"a\" has an empty CSV cell");
  }

  @Test
  void csvBooleansIgnoreCase() throws Exception {
    ModelSignature signature = signature(spec("a", DType.FLOAT, -1), spec("b", DType.BOOL, -1));

    Instance instance = parse(signature, DataFormat.CSV, "2,TRUE", List.of());

    assertThat((boolean[]) instance.values[1]).containsExactly(true);
  }

  // ---------------------------------------------------------------------------------------------

  private static String valid() {
    return "{\"age\": 3.5, \"count\": 7, \"features\": [1, 2.5], \"flag\": true, \"id\": 1,"
        + " \"name\": \"ab\"}";
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable> assertFails(
      ModelSignature signature, String line) {
    InstanceParser parser = new InstanceParser(signature, DataFormat.JSON);
    return assertThatThrownBy(() -> parser.parse(WHERE, bytes(line), List.of()))
        .isInstanceOf(InvalidInstanceException.class);
  }

  private static Instance parse(ModelSignature signature, DataFormat format, String line)
      throws InvalidInstanceException {
    return parse(signature, format, line, List.of());
  }

  private static Instance parse(
      ModelSignature signature, DataFormat format, String line, List<String> columns)
      throws InvalidInstanceException {
    return new InstanceParser(signature, format).parse(WHERE, bytes(line), columns);
  }

  private static String raw(Instance instance) {
    return raw(instance, 0);
  }

  private static String raw(Instance instance, int input) {
    return new String(((byte[][]) instance.values[input])[0], StandardCharsets.UTF_8);
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static TensorSpec spec(String name, DType dtype, long... shape) {
    return new TensorSpec(name, dtype, shape);
  }

  private static ModelSignature signature(TensorSpec... inputs) {
    List<TensorSpec> sorted =
        java.util.Arrays.stream(inputs)
            .sorted(java.util.Comparator.comparing(TensorSpec::name))
            .toList();
    return new ModelSignature("serving_default", sorted, List.of());
  }
}
