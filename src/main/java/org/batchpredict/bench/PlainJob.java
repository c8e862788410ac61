package org.batchpredict.bench;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.batchpredict.model.Column;
import org.batchpredict.model.ModelSignature;
import org.batchpredict.model.SavedModel;

/**
 * The practical limit: the whole job (read, parse, batch, predict, write) as a plain Java program
 * with no Beam. One reader thread per input file cuts lines into batches on a bounded queue; {@code
 * workers} threads each parse a batch straight into primitive columns, call the model, and write
 * the result lines to their own output file. Without a model it measures input and output alone:
 * the parsed instances are written back as lines.
 */
final class PlainJob {
  private static final Batch END = new Batch(new byte[0][], 0);

  private record Batch(byte[][] lines, int count) {}

  private final ModelSignature signature;
  private final SavedModel model;
  private final int batchSize;
  private final int workers;

  /**
   * @param model the model to call, or {@code null} to measure input and output alone
   */
  PlainJob(ModelSignature signature, SavedModel model, int batchSize, int workers) {
    this.signature = signature;
    this.model = model;
    this.batchSize = batchSize;
    this.workers = workers;
  }

  /** Runs the job over {@code inputs}, writing into {@code outputDirectory}; returns instances. */
  long run(List<Path> inputs, Path outputDirectory) throws Exception {
    Files.createDirectories(outputDirectory);
    BlockingQueue<Batch> queue = new ArrayBlockingQueue<>(4 * workers);
    AtomicLong instances = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    List<Thread> readers = new ArrayList<>();
    for (Path input : inputs) {
      readers.add(start("reader", () -> read(input, queue), failure));
    }
    List<Thread> predictors = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      Path output = outputDirectory.resolve(String.format("results-%05d-of-%05d", w, workers));
      predictors.add(start("worker", () -> work(queue, output, instances), failure));
    }
    for (Thread reader : readers) {
      reader.join();
    }
    for (int w = 0; w < workers; w++) {
      queue.put(END);
    }
    for (Thread predictor : predictors) {
      predictor.join();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("The plain job failed: " + failure.get(), failure.get());
    }
    return instances.get();
  }

  private interface Task {
    void run() throws Exception;
  }

  private static Thread start(String name, Task task, AtomicReference<Throwable> failure) {
    Thread thread =
        new Thread(
            () -> {
              try {
                task.run();
              } catch (Throwable e) {
                failure.compareAndSet(null, e);
              }
            },
            name);
    thread.start();
    return thread;
  }

  /** Cuts the file into batches of lines. */
  private void read(Path input, BlockingQueue<Batch> queue) throws Exception {
    try (InputStream in = Files.newInputStream(input)) {
      byte[] buffer = new byte[1 << 16];
      ByteArrayOutputStream partial = new ByteArrayOutputStream();
      byte[][] lines = new byte[batchSize][];
      int count = 0;
      int got;
      while ((got = in.read(buffer)) > 0) {
        int start = 0;
        for (int i = 0; i < got; i++) {
          if (buffer[i] == '\n') {
            byte[] line;
            if (partial.size() == 0) {
              line = Arrays.copyOfRange(buffer, start, i);
            } else {
              partial.write(buffer, start, i - start);
              line = partial.toByteArray();
              partial.reset();
            }
            start = i + 1;
            if (line.length == 0) {
              continue;
            }
            lines[count++] = line;
            if (count == batchSize) {
              queue.put(new Batch(lines, count));
              lines = new byte[batchSize][];
              count = 0;
            }
          }
        }
        partial.write(buffer, start, got - start);
      }
      if (partial.size() > 0) {
        lines[count++] = partial.toByteArray();
      }
      if (count > 0) {
        queue.put(new Batch(lines, count));
      }
    }
  }

  /** Parses, predicts and writes batches until the queue says the input has ended. */
  private void work(BlockingQueue<Batch> queue, Path output, AtomicLong instances)
      throws Exception {
    BatchColumns parser = new BatchColumns(signature.inputs());
    try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
      while (true) {
        Batch batch = queue.take();
        if (batch == END) {
          return;
        }
        Map<String, Column> columns = parser.parse(batch.lines(), batch.count());
        Map<String, Column> results =
            model == null ? columns : model.predict(signature.key(), columns);
        try {
          BatchColumns.write(results, batch.count(), out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        instances.addAndGet(batch.count());
      }
    }
  }
}
