package org.batchpredict.jobs;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.beam.sdk.options.PipelineOptions;
import org.batchpredict.jobs.JobStore.StoredJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the QUEUED jobs of a {@link JobStore} in creation order, at most {@code maxConcurrentJobs}
 * at once, each through {@link PredictionJob}, writing every change of state and count back to the
 * store.
 *
 * <p>A job is claimed by a compare-and-set from QUEUED to PREPARING, so no job runs twice. At
 * {@link #start}, jobs left PREPARING or RUNNING by a service that stopped are queued again and run
 * from the start (the pipeline clears its old outputs), and jobs left CANCELLING are CANCELLED. At
 * {@link #close} the running pipelines are cancelled without recording it, so that the next start
 * runs them again.
 */
public final class JobQueue implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobQueue.class);

  /** The {@code errorMessage} of a job whose cancel was asked for while it ran. */
  public static final String CANCELLING_MESSAGE =
      "Cancel requested; the job's pipeline is stopping";

  private final JobStore store;
  private final ModelRegistry registry;
  private final Supplier<PipelineOptions> options;
  private final int maxConcurrentJobs;
  private final Duration progressInterval;
  private final ExecutorService workers;
  private final Map<String, PredictionJob> running = new ConcurrentHashMap<>();
  private final Object signal = new Object();
  private volatile boolean stopping;

  /**
   * @param options makes the pipeline options of one job (each job gets its own)
   */
  public JobQueue(
      JobStore store,
      ModelRegistry registry,
      Supplier<PipelineOptions> options,
      int maxConcurrentJobs,
      Duration progressInterval) {
    if (maxConcurrentJobs < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentJobs must be at least 1, got " + maxConcurrentJobs);
    }
    this.store = store;
    this.registry = registry;
    this.options = options;
    this.maxConcurrentJobs = maxConcurrentJobs;
    this.progressInterval = progressInterval;
    this.workers =
        Executors.newFixedThreadPool(
            maxConcurrentJobs,
            runnable -> {
              Thread thread = new Thread(runnable, "job-runner");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Recovers the jobs a stopped service left behind, then starts taking jobs from the queue. */
  public void start() {
    recover();
    for (int i = 0; i < maxConcurrentJobs; i++) {
      workers.execute(this::work);
    }
  }

  /** Tells the workers that a job was queued. */
  public void wake() {
    synchronized (signal) {
      signal.notifyAll();
    }
  }

  /**
   * Cancels a job: a QUEUED job becomes CANCELLED at once, a running one CANCELLING until its
   * pipeline stops.
   *
   * @return the job as stored afterwards, or empty when there is no such job
   * @throws JobStateException when the job has already ended
   */
  public Optional<StoredJob> cancel(String project, String jobId) {
    Optional<StoredJob> updated =
        store.update(
            project,
            jobId,
            job -> {
              switch (job.state) {
                case QUEUED:
                  job.state = JobState.CANCELLED;
                  job.endTime = now();
                  job.errorMessage = PredictionJob.CANCELLED_MESSAGE;
                  return job;
                case PREPARING:
                case RUNNING:
                  job.state = JobState.CANCELLING;
                  job.errorMessage = CANCELLING_MESSAGE;
                  return job;
                case CANCELLING:
                  return null;
                default:
                  throw new JobStateException(
                      job.state,
                      "Job projects/"
                          + project
                          + "/jobs/"
                          + jobId
                          + " cannot be cancelled: it has already ended in state "
                          + job.state);
              }
            });
    PredictionJob job = running.get(key(project, jobId));
    if (job != null && updated.isPresent() && updated.get().job().state == JobState.CANCELLING) {
      job.cancel();
    }
    return updated;
  }

  /** Stops taking jobs and cancels the running pipelines, leaving their jobs to the next start. */
  @Override
  public void close() {
    stopping = true;
    workers.shutdown();
    running.values().forEach(PredictionJob::cancel);
    wake();
    try {
      if (!workers.awaitTermination(60, TimeUnit.SECONDS)) {
        LOG.warn("Job runners did not stop within 60 s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void recover() {
    List<StoredJob> left =
        store.inStates(
            EnumSet.of(JobState.PREPARING, JobState.RUNNING, JobState.CANCELLING),
            Integer.MAX_VALUE);
    for (StoredJob stored : left) {
      JobState was = stored.job().state;
      store.update(
          stored.project(),
          stored.job().jobId,
          job -> {
            if (job.state == JobState.CANCELLING) {
              job.state = JobState.CANCELLED;
              job.endTime = now();
              job.errorMessage =
                  PredictionJob.CANCELLED_MESSAGE + "; the service stopped before it ended";
            } else if (job.state == JobState.PREPARING || job.state == JobState.RUNNING) {
              job.state = JobState.QUEUED;
              job.startTime = null;
              job.endTime = null;
              job.errorMessage = null;
              job.predictionOutput = null;
            } else {
              return null;
            }
            return job;
          });
      if (was == JobState.CANCELLING) {
        LOG.info("Job {} was cancelling when the service stopped: now CANCELLED", name(stored));
      } else {
        LOG.info(
            "Job {} was {} when the service stopped: queued again to run from the start",
            name(stored),
            was);
      }
    }
  }

  private void work() {
    while (!stopping) {
      StoredJob claimed;
      try {
        claimed = claimNext();
      } catch (RuntimeException e) {
        LOG.error("Cannot read the job queue; trying again in 5 s", e);
        pause(5_000);
        continue;
      }
      if (claimed == null) {
        pause(1_000);
      } else {
        run(claimed);
      }
    }
  }

  private void pause(long millis) {
    synchronized (signal) {
      try {
        signal.wait(millis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        stopping = true;
      }
    }
  }

  /** The oldest QUEUED job, now PREPARING and owned by this worker; null when none is queued. */
  private StoredJob claimNext() {
    while (!stopping) {
      List<StoredJob> queued = store.inStates(EnumSet.of(JobState.QUEUED), 1);
      if (queued.isEmpty()) {
        return null;
      }
      StoredJob next = queued.get(0);
      Job job = next.job();
      job.state = JobState.PREPARING;
      job.startTime = now();
      Optional<StoredJob> claimed = store.compareAndSet(next, job);
      if (claimed.isPresent()) {
        return claimed.get();
      }
    }
    return null;
  }

  private void run(StoredJob claimed) {
    String project = claimed.project();
    Job job = claimed.job();
    String key = key(project, job.jobId);
    LOG.info("Job {} starts", name(claimed));
    PredictionJob prediction = new PredictionJob(job, registry, options.get(), progressInterval);
    running.put(key, prediction);
    try {
      Job finished = prediction.run(changed -> record(project, changed, prediction));
      if (stopping && finished.state != JobState.SUCCEEDED) {
        LOG.info("Job {} stopped with the service; it runs again at the next start", name(claimed));
        return;
      }
      LOG.info(
          "Job {} ended {}{}",
          name(claimed),
          finished.state,
          finished.errorMessage == null ? "" : ": " + finished.errorMessage);
    } catch (RuntimeException e) {
      LOG.error("Job {} failed unexpectedly", name(claimed), e);
      job.state = JobState.FAILED;
      job.endTime = now();
      job.errorMessage = "The job failed unexpectedly: " + e;
      record(project, job, prediction);
    } finally {
      running.remove(key);
    }
  }

  /**
   * Writes a running job's progress to the store, keeping what others wrote meanwhile: its labels,
   * and a CANCELLING state, which also cancels the pipeline if it was not told yet.
   */
  private void record(String project, Job changed, PredictionJob prediction) {
    if (stopping && changed.state != JobState.SUCCEEDED) {
      return;
    }
    store.update(
        project,
        changed.jobId,
        current -> {
          if (current.state.isFinal()) {
            return null;
          }
          boolean cancelling = current.state == JobState.CANCELLING;
          if (cancelling && !changed.state.isFinal()) {
            prediction.cancel();
          } else {
            current.state = changed.state;
            current.errorMessage = changed.errorMessage;
          }
          current.startTime = changed.startTime;
          current.endTime = changed.endTime;
          current.predictionOutput = JobStore.copy(changed).predictionOutput;
          return current;
        });
  }

  private static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MICROS);
  }

  private static String key(String project, String jobId) {
    return project + "/" + jobId;
  }

  private static String name(StoredJob stored) {
    return "projects/" + stored.project() + "/jobs/" + stored.job().jobId;
  }
}
