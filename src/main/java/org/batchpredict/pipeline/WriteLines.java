package org.batchpredict.pipeline;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.beam.sdk.coders.StringUtf8Coder;
import org.apache.beam.sdk.io.FileSystems;
import org.apache.beam.sdk.io.fs.EmptyMatchTreatment;
import org.apache.beam.sdk.io.fs.MatchResult;
import org.apache.beam.sdk.io.fs.MoveOptions;
import org.apache.beam.sdk.io.fs.ResolveOptions;
import org.apache.beam.sdk.io.fs.ResourceId;
import org.apache.beam.sdk.transforms.Combine;
import org.apache.beam.sdk.transforms.DoFn;
import org.apache.beam.sdk.transforms.PTransform;
import org.apache.beam.sdk.transforms.ParDo;
import org.apache.beam.sdk.transforms.windowing.BoundedWindow;
import org.apache.beam.sdk.transforms.windowing.GlobalWindow;
import org.apache.beam.sdk.values.PCollection;
import org.apache.beam.sdk.values.PDone;

/**
 * Writes text elements, each one or more lines, to {@code <prefix>-SSSSS-of-NNNNN}: one file per
 * bundle, written as the bundle runs, then renamed into numbered shards once every bundle is done.
 *
 * <pre>{@code
 * results.apply("WriteResults", WriteLines.to(outputDirectory + "prediction.results"));
 * }</pre>
 *
 * <p>Unlike {@code TextIO.write()} this never groups the lines by shard: on the DirectRunner that
 * grouping held every result line in memory until the input ended (memory grew with the number of
 * instances) and copied it through state. An input with no lines gives one empty shard, as TextIO
 * does. A failed bundle's file keeps its hidden temporary name and is never renamed.
 */
final class WriteLines extends PTransform<PCollection<String>, PDone> {
  private final String prefix;

  private WriteLines(String prefix) {
    this.prefix = prefix;
  }

  static WriteLines to(String prefix) {
    return new WriteLines(prefix);
  }

  @Override
  public PDone expand(PCollection<String> lines) {
    String run = UUID.randomUUID().toString();
    lines
        .apply("WriteBundleFiles", ParDo.of(new WriteBundleFn(prefix, run)))
        .setCoder(StringUtf8Coder.of())
        .apply("CollectFiles", Combine.globally(new FileNames()))
        .apply("NameShards", ParDo.of(new NameShardsFn(prefix, run)));
    return PDone.in(lines.getPipeline());
  }

  /**
   * The hidden file of one bundle of run {@code run} beside the shards of {@code prefix}; {@code
   * bundle} {@code *} makes the pattern of all of the run's bundle files.
   */
  static ResourceId temporaryFile(String prefix, String run, String bundle) {
    ResourceId target = FileSystems.matchNewResource(prefix, false);
    return target
        .getCurrentDirectory()
        .resolve(
            ".temp-" + target.getFilename() + "-" + run + "-" + bundle,
            ResolveOptions.StandardResolveOptions.RESOLVE_FILE);
  }

  /** Writes a bundle's elements to a hidden temporary file and outputs that file's name. */
  static final class WriteBundleFn extends DoFn<String, String> {
    private static final byte[] NEWLINE = {'\n'};
    private final String prefix;
    private final String run;
    private transient ResourceId file;
    private transient OutputStream out;

    WriteBundleFn(String prefix, String run) {
      this.prefix = prefix;
      this.run = run;
    }

    @ProcessElement
    public void process(@Element String lines) throws IOException {
      if (out == null) {
        file = temporaryFile(prefix, run, UUID.randomUUID().toString());
        out =
            new BufferedOutputStream(
                Channels.newOutputStream(FileSystems.create(file, "text/plain")), 1 << 16);
      }
      out.write(lines.getBytes(StandardCharsets.UTF_8));
      out.write(NEWLINE);
    }

    @FinishBundle
    public void finishBundle(FinishBundleContext context) throws IOException {
      if (out != null) {
        out.close();
        out = null;
        context.output(file.toString(), BoundedWindow.TIMESTAMP_MIN_VALUE, GlobalWindow.INSTANCE);
      }
    }
  }

  /** Gathers the temporary file names (one per bundle: few). */
  static final class FileNames extends Combine.CombineFn<String, List<String>, List<String>> {
    @Override
    public List<String> createAccumulator() {
      return new ArrayList<>();
    }

    @Override
    public List<String> addInput(List<String> names, String name) {
      names.add(name);
      return names;
    }

    @Override
    public List<String> mergeAccumulators(Iterable<List<String>> accumulators) {
      List<String> merged = new ArrayList<>();
      accumulators.forEach(merged::addAll);
      return merged;
    }

    @Override
    public List<String> extractOutput(List<String> names) {
      return names;
    }
  }

  /**
   * Renames the temporary files to numbered shards, or writes one empty shard when none, then
   * deletes what retried bundles of this run left behind.
   */
  static final class NameShardsFn extends DoFn<List<String>, Void> {
    private final String prefix;
    private final String run;

    NameShardsFn(String prefix, String run) {
      this.prefix = prefix;
      this.run = run;
    }

    @ProcessElement
    public void process(@Element List<String> names) throws IOException {
      List<String> sorted = new ArrayList<>(names);
      sorted.sort(null);
      List<ResourceId> sources = new ArrayList<>();
      List<ResourceId> targets = new ArrayList<>();
      for (int shard = 0; shard < sorted.size(); shard++) {
        sources.add(FileSystems.matchNewResource(sorted.get(shard), false));
        targets.add(shardName(shard, sorted.size()));
      }
      if (sorted.isEmpty()) {
        FileSystems.create(shardName(0, 1), "text/plain").close();
      } else {
        FileSystems.rename(sources, targets, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      }
      deleteAbandonedFiles();
    }

    /** A bundle that failed and was retried leaves a file no shard names: remove it. */
    private void deleteAbandonedFiles() throws IOException {
      String pattern = temporaryFile(prefix, run, "*").toString();
      List<ResourceId> abandoned = new ArrayList<>();
      for (MatchResult.Metadata file :
          FileSystems.match(pattern, EmptyMatchTreatment.ALLOW).metadata()) {
        abandoned.add(file.resourceId());
      }
      if (!abandoned.isEmpty()) {
        FileSystems.delete(abandoned, MoveOptions.StandardMoveOptions.IGNORE_MISSING_FILES);
      }
    }

    private ResourceId shardName(int shard, int shards) {
      return FileSystems.matchNewResource(
          String.format("%s-%05d-of-%05d", prefix, shard, shards), false);
    }
  }
}
