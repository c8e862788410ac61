package org.batchpredict.model;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The inputs and outputs of one SavedModel signature, each list sorted by alias: the order {@code
 * saved_model_cli show} prints, and the column order batch-predict uses for CSV.
 */
public final class ModelSignature {
  private final String key;
  private final List<TensorSpec> inputs;
  private final List<TensorSpec> outputs;

  public ModelSignature(String key, List<TensorSpec> inputs, List<TensorSpec> outputs) {
    this.key = key;
    this.inputs = List.copyOf(inputs);
    this.outputs = List.copyOf(outputs);
  }

  public String key() {
    return key;
  }

  public List<TensorSpec> inputs() {
    return inputs;
  }

  public List<TensorSpec> outputs() {
    return outputs;
  }

  public Optional<TensorSpec> input(String name) {
    return inputs.stream().filter(spec -> spec.name().equals(name)).findFirst();
  }

  /** Whether the signature takes exactly one input and it is a string. */
  public boolean takesSingleString() {
    return inputs.size() == 1 && inputs.get(0).dtype() == DType.STRING;
  }

  @Override
  public String toString() {
    return key
        + "("
        + inputs.stream().map(TensorSpec::toString).collect(Collectors.joining(", "))
        + ") -> ("
        + outputs.stream().map(TensorSpec::toString).collect(Collectors.joining(", "))
        + ")";
  }
}
