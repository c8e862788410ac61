package org.batchpredict.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.tensorflow.Result;
import org.tensorflow.SavedModelBundle;
import org.tensorflow.SessionFunction;
import org.tensorflow.Signature;
import org.tensorflow.Tensor;
import org.tensorflow.proto.ConfigProto;
import org.tensorflow.proto.DataType;

/**
 * A TensorFlow SavedModel loaded from a local directory, callable from many threads at once.
 *
 * <pre>{@code
 * try (SavedModel model = SavedModel.load(Path.of("models/census/v1"), 1)) {
 *   ModelSignature signature = model.signature("serving_default");
 *   Map<String, Column> outputs = model.predict("serving_default", inputs);
 * }
 * }</pre>
 *
 * <p>Prefer {@link ModelCache} in pipelines: it shares one loaded model among all the threads of a
 * worker.
 */
public final class SavedModel implements AutoCloseable {
  public static final String DEFAULT_SIGNATURE = Signature.DEFAULT_KEY;

  private final Path directory;
  private final SavedModelBundle bundle;
  private final Map<String, ModelSignature> signatures;
  private final Map<String, SessionFunction> functions;

  private SavedModel(Path directory, SavedModelBundle bundle) {
    this.directory = directory;
    this.bundle = bundle;
    Map<String, ModelSignature> described = new TreeMap<>();
    Map<String, SessionFunction> callable = new TreeMap<>();
    for (SessionFunction function : bundle.functions()) {
      Signature signature = function.signature();
      described.put(signature.key(), describe(signature));
      callable.put(signature.key(), function);
    }
    this.signatures = described;
    this.functions = callable;
  }

  /**
   * Loads the SavedModel in {@code directory} with the {@code serve} tag.
   *
   * @param opThreads TensorFlow's intra- and inter-op thread pool size; 0 keeps TensorFlow's
   *     default (one thread per core). Small models called from several workers run fastest with 1.
   * @throws ModelException when the directory holds no loadable SavedModel
   */
  public static SavedModel load(Path directory, int opThreads) {
    if (!Files.isRegularFile(directory.resolve("saved_model.pb"))) {
      throw new ModelException(
          "No SavedModel at " + directory + ": expected a saved_model.pb in that directory");
    }
    ConfigProto.Builder config = ConfigProto.newBuilder();
    if (opThreads > 0) {
      config.setIntraOpParallelismThreads(opThreads).setInterOpParallelismThreads(opThreads);
    }
    try {
      SavedModelBundle bundle =
          SavedModelBundle.loader(directory.toString())
              .withTags(SavedModelBundle.DEFAULT_TAG)
              .withConfigProto(config.build())
              .load();
      return new SavedModel(directory, bundle);
    } catch (RuntimeException e) {
      throw new ModelException("Cannot load the SavedModel at " + directory + ": " + e, e);
    }
  }

  public Path directory() {
    return directory;
  }

  /** The names of the signatures the model has, sorted. */
  public List<String> signatureKeys() {
    return new ArrayList<>(signatures.keySet());
  }

  /**
   * The signature named {@code key}.
   *
   * @throws ModelException naming the signatures the model has, when it lacks {@code key}
   */
  public ModelSignature signature(String key) {
    ModelSignature signature = signatures.get(key);
    if (signature == null) {
      throw new ModelException(
          "The SavedModel at "
              + directory
              + " has no signature \""
              + key
              + "\"; its signatures are "
              + signatures.keySet());
    }
    for (TensorSpec input : signature.inputs()) {
      if (input.dtype() == DType.UNSUPPORTED) {
        throw new ModelException(
            "Signature \"" + key + "\" takes " + input + ", a type batch-predict cannot feed");
      }
    }
    return signature;
  }

  /**
   * Runs one call of the signature {@code key} on a batch.
   *
   * @param inputs one column per signature input, all with the same number of rows
   * @return one column per signature output, keyed by alias, in the signature's output order
   * @throws PredictionException when TensorFlow rejects the call (bad values, failed ops)
   */
  public Map<String, Column> predict(String key, Map<String, Column> inputs) {
    SessionFunction function = functions.get(key);
    ModelSignature signature = signature(key);
    Map<String, Tensor> feeds = new LinkedHashMap<>();
    try {
      for (TensorSpec spec : signature.inputs()) {
        Column column = inputs.get(spec.name());
        if (column == null) {
          throw new IllegalArgumentException("No values for input \"" + spec.name() + "\"");
        }
        feeds.put(spec.name(), Tensors.toTensor(column));
      }
      try (Result result = function.call(feeds)) {
        Map<String, Column> outputs = new LinkedHashMap<>();
        for (TensorSpec spec : signature.outputs()) {
          Tensor tensor =
              result
                  .get(spec.name())
                  .orElseThrow(
                      () -> new PredictionException("The model returned no " + spec.name()));
          outputs.put(spec.name(), Tensors.toColumn(tensor));
        }
        return outputs;
      }
    } catch (PredictionException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PredictionException(PredictionException.describe(e), e);
    } finally {
      feeds.values().forEach(Tensor::close);
    }
  }

  /** The callable function of signature {@code key}, for {@link BenchmarkModels}. */
  SessionFunction function(String key) {
    signature(key);
    return functions.get(key);
  }

  @Override
  public void close() {
    bundle.close();
  }

  private static ModelSignature describe(Signature signature) {
    return new ModelSignature(
        signature.key(), specs(signature.getInputs()), specs(signature.getOutputs()));
  }

  private static List<TensorSpec> specs(Map<String, Signature.TensorDescription> descriptions) {
    List<TensorSpec> specs = new ArrayList<>();
    descriptions.forEach(
        (alias, description) ->
            specs.add(
                new TensorSpec(
                    alias,
                    dtypeOf(description.dataType),
                    description.shape.isUnknown() ? null : description.shape.asArray(),
                    description.dataType.name())));
    specs.sort(Comparator.comparing(TensorSpec::name));
    return specs;
  }

  /** Maps TensorFlow's element types onto ours. */
  private static DType dtypeOf(DataType type) {
    switch (type) {
      case DT_FLOAT:
        return DType.FLOAT;
      case DT_DOUBLE:
        return DType.DOUBLE;
      case DT_INT32:
        return DType.INT32;
      case DT_INT64:
        return DType.INT64;
      case DT_UINT8:
        return DType.UINT8;
      case DT_BOOL:
        return DType.BOOL;
      case DT_STRING:
        return DType.STRING;
      default:
        return DType.UNSUPPORTED;
    }
  }
}
