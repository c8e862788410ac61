package org.batchpredict.model;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tensorflow.TensorFlow;

/**
 * Shares one loaded {@link SavedModel} per directory among all the threads of a JVM.
 *
 * <p>Each user {@link #acquire}s the model when it starts (a DoFn's setup) and {@link #release}s it
 * when it stops (teardown); the model is loaded on the first acquire and closed when the last user
 * releases it, so a worker JVM holds one copy however many threads run the pipeline.
 */
public final class ModelCache {
  private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);
  private static final Map<Path, Entry> MODELS = new HashMap<>();

  private static Thread runtimeLoader;

  private ModelCache() {}

  /**
   * Starts loading TensorFlow's native library on a background thread and returns at once, so that
   * the second or so it takes overlaps the caller's own start-up (Beam's options, file matching).
   * The first {@link #acquire} waits for it as it would otherwise load it itself. Idempotent.
   */
  public static synchronized void preloadRuntime() {
    if (runtimeLoader == null) {
      runtimeLoader = new Thread(TensorFlow::version, "tensorflow-preload");
      runtimeLoader.setDaemon(true);
      runtimeLoader.start();
    }
  }

  private static final class Entry {
    final SavedModel model;
    int users;

    Entry(SavedModel model) {
      this.model = model;
    }
  }

  /**
   * The model in {@code directory}, loading it if no other user holds it.
   *
   * @param opThreads see {@link SavedModel#load}; the first user's value wins
   */
  public static SavedModel acquire(Path directory, int opThreads) {
    Path key = directory.toAbsolutePath().normalize();
    synchronized (MODELS) {
      Entry entry = MODELS.get(key);
      if (entry == null) {
        long start = System.nanoTime();
        entry = new Entry(SavedModel.load(key, opThreads));
        LOG.info(
            "Loaded the SavedModel at {} in {} ms", key, (System.nanoTime() - start) / 1_000_000);
        MODELS.put(key, entry);
      }
      entry.users++;
      return entry.model;
    }
  }

  /** Gives back a model from {@link #acquire}; the last user closes it. */
  public static void release(SavedModel model) {
    Path key = model.directory().toAbsolutePath().normalize();
    synchronized (MODELS) {
      Entry entry = MODELS.get(key);
      if (entry == null || entry.model != model) {
        return;
      }
      if (--entry.users == 0) {
        MODELS.remove(key);
        entry.model.close();
        LOG.debug("Closed the SavedModel at {}", key);
      }
    }
  }
}
