package org.batchpredict.pipeline;

import java.util.List;
import org.apache.beam.sdk.Pipeline;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.TextIO;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MetadataCoderV2;
import org.apache.beam.sdk.options.PipelineOptions;
import org.apache.beam.sdk.transforms.Count;
import org.apache.beam.sdk.transforms.Create;
import org.apache.beam.sdk.transforms.Flatten;
import org.apache.beam.sdk.transforms.MapElements;
import org.apache.beam.sdk.transforms.Reshuffle;
import org.apache.beam.sdk.values.KV;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PCollectionList;
import org.apache.beam.sdk.values.PCollectionTuple;
import org.apache.beam.sdk.values.TypeDescriptors;
import org.batchpredict.model.ModelSignature;
import org.batchpredict.model.TensorSpec;

/**
 * Builds the prediction pipeline for a prepared run. Its steps:
 *
 * <ol>
 *   <li>{@code MatchedFiles}: the files the input patterns matched when the run was prepared;
 *   <li>{@code ReadRecords}: raw records in chunks, damaged ones as errors;
 *   <li>{@code PredictBatches}: parse, batch, call the signature, format result lines;
 *   <li>{@code WriteResults}: {@code prediction.results-SSSSS-of-NNNNN};
 *   <li>{@code WriteErrors}: {@code prediction.errors-SSSSS-of-NNNNN}, one JSON line per failed
 *       instance;
 *   <li>{@code CountErrors}, {@code WriteErrorStats}: {@code
 *       prediction.errors_stats-00000-of-00001}, one {@code ('message', count)} line per message.
 * </ol>
 */
final class PredictionPipeline {
  static final String RESULTS_PREFIX = "prediction.results";
  static final String ERRORS_PREFIX = "prediction.errors";
  static final String ERROR_STATS_PREFIX = "prediction.errors_stats";
  static final String CSV_HEADER_FILE = "prediction.results.header";

  private PredictionPipeline() {}

  static Pipeline build(
      PredictionSpec spec,
      List<MatchResult.Metadata> files,
      ModelSignature signature,
      String outputDirectory,
      PipelineOptions options) {
    Pipeline pipeline = Pipeline.create(options);
    boolean direct = options.getRunner().getSimpleName().equals("DirectRunner");

    PCollection<MatchResult.Metadata> matched =
        pipeline.apply("MatchedFiles", Create.of(files).withCoder(MetadataCoderV2.of()));
    if (!direct) {
      // Spread the files over the workers; the DirectRunner already runs bundles in parallel.
      matched = matched.apply("SpreadFiles", Reshuffle.viaRandomKey());
    }

    PCollectionTuple read =
        matched.apply(
            "ReadRecords",
            ReadRecords.of(spec.dataFormat(), chunkSize(spec.batchSize()))
                .withCsvInputNames(
                    signature.inputs().stream()
                        .map(TensorSpec::name)
                        .collect(java.util.stream.Collectors.toSet())));
    PCollection<RecordChunk> chunks = read.get(ReadRecords.CHUNKS);
    if (!direct) {
      // Let every worker predict on the chunks of a large file, not just the one reading it.
      chunks = chunks.apply("SpreadChunks", Reshuffle.viaRandomKey());
    }

    PCollectionTuple predicted = chunks.apply("PredictBatches", PredictBatches.of(spec));

    predicted
        .get(PredictBatches.RESULTS)
        .setCoder(StringUtf8Coder.of())
        .apply("WriteResults", WriteLines.to(outputDirectory + RESULTS_PREFIX));

    PCollection<PredictionError> errors =
        PCollectionList.of(read.get(ReadRecords.ERRORS))
            .and(predicted.get(PredictBatches.ERRORS))
            .apply("AllErrors", Flatten.pCollections());
    errors
        .apply(
            "ErrorsAsJson",
            MapElements.into(TypeDescriptors.strings()).via(PredictionError::toJson))
        .apply("WriteErrors", TextIO.write().to(outputDirectory + ERRORS_PREFIX));
    errors
        .apply(
            "ErrorMessages",
            MapElements.into(TypeDescriptors.strings()).via(PredictionError::message))
        .apply("CountErrors", Count.perElement())
        .apply(
            "FormatErrorStats",
            MapElements.into(TypeDescriptors.strings()).via(PredictionPipeline::errorStatsLine))
        .apply(
            "WriteErrorStats",
            TextIO.write().to(outputDirectory + ERROR_STATS_PREFIX).withNumShards(1));
    return pipeline;
  }

  /**
   * Records per chunk: at least {@link #MIN_CHUNK_RECORDS}, so that the runner's fixed cost per
   * element and per bundle (the DirectRunner checkpoints a read every 100 outputs) is spread over
   * many instances; batches form across chunks, so a chunk need not hold one batch.
   */
  static int chunkSize(int batchSize) {
    return Math.max(MIN_CHUNK_RECORDS, Math.min(batchSize, 4096));
  }

  static final int MIN_CHUNK_RECORDS = 1024;

  /** {@code ('message', count)}, the message quoted as Python's repr quotes a string. */
  static String errorStatsLine(KV<String, Long> messageCount) {
    String message = messageCount.getKey();
    char quote = message.contains("'") && !message.contains("\"") ? '"' : '\'';
    StringBuilder line = new StringBuilder("(").append(quote);
    for (char c : message.toCharArray()) {
      if (c == '\\' || c == quote) {
        line.append('\\').append(c);
      } else if (c == '\n') {
        line.append("\\n");
      } else if (c == '\t') {
        line.append("\\t");
      } else if (c == '\r') {
        line.append("\\r");
      } else {
        line.append(c);
      }
    }
    return line.append(quote).append(", ").append(messageCount.getValue()).append(')').toString();
  }
}
