package org.batchpredict.pipeline;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.beam.sdk.metrics.Counter;
import org.apache.beam.sdk.metrics.Metrics;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TupleTag;
import org.apache.beam.sdk.values.TupleTagList;
import org.batchpredict.model.Column;
import org.batchpredict.model.DType;
import org.batchpredict.model.ModelCache;
import org.batchpredict.model.ModelSignature;
import org.batchpredict.model.PredictionException;
import org.batchpredict.model.SavedModel;
import org.batchpredict.model.TensorSpec;

/**
 * Parses raw records into instances, runs them through a SavedModel signature {@code batchSize} at
 * a time, and formats the outputs as result lines.
 *
 * <p>Batches form inside each worker's bundle (no shuffle, no single key): instances are buffered
 * until a batch is full and the last partial batch is flushed when the bundle finishes. Each output
 * element is the text of one batch's result lines, which keeps the runner's per-element cost off
 * the per-instance path.
 *
 * <p>A record that does not parse is an error on {@link #ERRORS} at once. A batch the model rejects
 * is retried in halves until the failing instances stand alone, so one bad instance costs its batch
 * nothing but time.
 */
final class PredictBatches extends PTransform<PCollection<RecordChunk>, PCollectionTuple> {
  static final TupleTag<String> RESULTS = new TupleTag<>() {};
  static final TupleTag<PredictionError> ERRORS = new TupleTag<>() {};

  private final PredictionSpec spec;

  private PredictBatches(PredictionSpec spec) {
    this.spec = spec;
  }

  static PredictBatches of(PredictionSpec spec) {
    return new PredictBatches(spec);
  }

  @Override
  public PCollectionTuple expand(PCollection<RecordChunk> chunks) {
    PCollectionTuple predicted =
        chunks.apply(
            "Predict",
            ParDo.of(new PredictFn(spec)).withOutputTags(RESULTS, TupleTagList.of(ERRORS)));
    predicted.get(ERRORS).setCoder(PredictionError.Coder.INSTANCE);
    return predicted;
  }

  /**
   * TensorFlow's thread pool size for a model shared by {@code maxWorkerCount} workers: the cores
   * split among the workers that can run at once, so that together they keep every core busy
   * without oversubscribing it.
   */
  static int opThreads(int maxWorkerCount) {
    int cores = Runtime.getRuntime().availableProcessors();
    return Math.max(1, cores / Math.min(maxWorkerCount, cores));
  }

  static final class PredictFn extends DoFn<RecordChunk, String> {
    private final PredictionSpec spec;
    private final Counter predictions =
        Metrics.counter(MetricNames.NAMESPACE, MetricNames.PREDICTIONS);
    private final Counter errors = Metrics.counter(MetricNames.NAMESPACE, MetricNames.ERRORS);
    private final Counter batches = Metrics.counter(MetricNames.NAMESPACE, MetricNames.BATCHES);
    private final Counter workerMicros =
        Metrics.counter(MetricNames.NAMESPACE, MetricNames.WORKER_MICROS);

    private transient SavedModel model;
    private transient ModelSignature signature;
    private transient InstanceParser parser;
    private transient ResultFormatter formatter;
    private transient boolean batched;
    private transient List<Instance> pending;

    PredictFn(PredictionSpec spec) {
      this.spec = spec;
    }

    @Setup
    public void setup() throws IOException {
      Path directory = ModelStaging.localDirectory(spec.modelDirectory());
      model = ModelCache.acquire(directory, opThreads(spec.maxWorkerCount()));
      signature = model.signature(spec.signatureName());
      parser = new InstanceParser(signature, spec.dataFormat());
      formatter = ResultFormatter.of(spec.outputDataFormat(), signature.outputs());
      batched = signature.inputs().stream().allMatch(TensorSpec::isBatched);
    }

    @StartBundle
    public void startBundle() {
      pending = new ArrayList<>();
    }

    @ProcessElement
    public void process(@Element RecordChunk chunk, MultiOutputReceiver out) {
      long started = System.nanoTime();
      Emitter emitter =
          new Emitter() {
            @Override
            void result(String lines) {
              out.get(RESULTS).output(lines);
            }

            @Override
            void error(PredictionError error) {
              out.get(ERRORS).output(error);
            }
          };
      int batchSize = batched ? spec.batchSize() : 1;
      for (int i = 0; i < chunk.size(); i++) {
        try {
          pending.add(parser.parse(chunk.position(i), chunk.records[i], chunk.csvColumns));
        } catch (InvalidInstanceException e) {
          fail(
              chunk.position(i),
              PredictionError.Stage.PARSE,
              chunk.records[i],
              e.getMessage(),
              emitter);
        }
        if (pending.size() >= batchSize) {
          predict(pending, emitter);
          pending = new ArrayList<>();
        }
      }
      workerMicros.inc((System.nanoTime() - started) / 1000);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) {
      long started = System.nanoTime();
      if (!pending.isEmpty()) {
        predict(
            pending,
            new Emitter() {
              @Override
              void result(String lines) {
                context.output(
                    RESULTS, lines, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
              }

              @Override
              void error(PredictionError error) {
                context.output(
                    ERRORS, error, BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
              }
            });
        pending = new ArrayList<>();
      }
      workerMicros.inc((System.nanoTime() - started) / 1000);
    }

    @Teardown
    public void teardown() {
      if (model != null) {
        ModelCache.release(model);
        model = null;
      }
    }

    /** Runs a batch: instances of differing shapes (variable dimensions) go in separate calls. */
    private void predict(List<Instance> batch, Emitter emitter) {
      if (sameShapes(batch)) {
        predictIsolatingFailures(batch, emitter);
        return;
      }
      Map<String, List<Instance>> byShape = new LinkedHashMap<>();
      for (Instance instance : batch) {
        byShape.computeIfAbsent(instance.shapeKey(), key -> new ArrayList<>()).add(instance);
      }
      for (List<Instance> group : byShape.values()) {
        predictIsolatingFailures(group, emitter);
      }
    }

    /** Whether every instance has the first one's shapes: the usual case, one call. */
    private static boolean sameShapes(List<Instance> batch) {
      long[][] first = batch.get(0).shapes;
      for (int i = 1; i < batch.size(); i++) {
        long[][] shapes = batch.get(i).shapes;
        for (int input = 0; input < first.length; input++) {
          if (!java.util.Arrays.equals(first[input], shapes[input])) {
            return false;
          }
        }
      }
      return true;
    }

    private void predictIsolatingFailures(List<Instance> group, Emitter emitter) {
      Column[] outputs;
      try {
        outputs = call(group);
      } catch (PredictionException e) {
        if (group.size() == 1) {
          Instance instance = group.get(0);
          fail(
              instance.position,
              PredictionError.Stage.PREDICT,
              instance.record,
              "Prediction failed: " + e.getMessage(),
              emitter);
          return;
        }
        int half = group.size() / 2;
        predictIsolatingFailures(group.subList(0, half), emitter);
        predictIsolatingFailures(group.subList(half, group.size()), emitter);
        return;
      }
      StringBuilder lines = new StringBuilder(group.size() * 64);
      formatter.appendRows(outputs, group.size(), batched, lines);
      emitter.result(lines.toString());
      predictions.inc(group.size());
    }

    /** One signature call; checks that every output has one row per instance. */
    private Column[] call(List<Instance> group) {
      Map<String, Column> inputs = new LinkedHashMap<>();
      List<TensorSpec> specs = signature.inputs();
      for (int i = 0; i < specs.size(); i++) {
        inputs.put(specs.get(i).name(), column(specs.get(i).dtype(), group, i));
      }
      Map<String, Column> outputs = model.predict(signature.key(), inputs);
      batches.inc();
      Column[] columns = new Column[signature.outputs().size()];
      for (int i = 0; i < columns.length; i++) {
        TensorSpec output = signature.outputs().get(i);
        columns[i] = outputs.get(output.name());
        if (batched && (columns[i].shape().length == 0 || columns[i].rows() != group.size())) {
          throw new PredictionException(
              "Output \""
                  + output.name()
                  + "\" has shape "
                  + InstanceParser.shapeText(columns[i].shape())
                  + ", which has no row per instance of a batch of "
                  + group.size());
        }
      }
      return columns;
    }

    /** Stacks input {@code index} of the instances into one column (batch dimension first). */
    private Column column(DType dtype, List<Instance> group, int index) {
      long[] rowShape = group.get(0).shapes[index];
      int rowSize = (int) Column.elementCount(rowShape);
      int rows = group.size();
      Object data;
      switch (dtype) {
        case FLOAT:
          data = new float[rows * rowSize];
          break;
        case DOUBLE:
          data = new double[rows * rowSize];
          break;
        case INT32:
          data = new int[rows * rowSize];
          break;
        case INT64:
          data = new long[rows * rowSize];
          break;
        case UINT8:
          data = new byte[rows * rowSize];
          break;
        case BOOL:
          data = new boolean[rows * rowSize];
          break;
        default:
          data = new byte[rows * rowSize][];
      }
      for (int row = 0; row < rows; row++) {
        System.arraycopy(group.get(row).values[index], 0, data, row * rowSize, rowSize);
      }
      if (!batched) {
        return new Column(dtype, rowShape, data);
      }
      long[] shape = new long[rowShape.length + 1];
      shape[0] = rows;
      System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
      return new Column(dtype, shape, data);
    }

    private void fail(
        Position position,
        PredictionError.Stage stage,
        byte[] record,
        String message,
        Emitter emitter) {
      errors.inc();
      emitter.error(new PredictionError(position, stage, Inputs.preview(record), message));
    }
  }

  /** Where a batch's results and errors go: the element's receiver, or the bundle's context. */
  private abstract static class Emitter {
    abstract void result(String lines);

    abstract void error(PredictionError error);
  }
}
