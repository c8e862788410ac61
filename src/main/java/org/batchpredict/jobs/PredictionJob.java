package org.batchpredict.jobs;

import java.time.Duration;
import java.time.Instant;
import org.apache.beam.sdk.options.PipelineOptions;
import org.batchpredict.pipeline.PredictionRun;
import org.batchpredict.pipeline.PredictionSetupException;
import org.batchpredict.pipeline.PredictionSpec;

/**
 * Runs one prediction job through its states: PREPARING while inputs are matched and the model
 * loads, RUNNING while instances flow, then SUCCEEDED, FAILED or CANCELLED, keeping the Job
 * resource's times, {@code errorMessage} and {@code predictionOutput} up to date.
 *
 * <p>{@link #run} blocks; {@link #cancel} may be called from any thread.
 */
public final class PredictionJob {
  /** Told of every change to the job: a new state, or new counts while it runs. */
  public interface Listener {
    void changed(Job job);
  }

  public static final String CANCELLED_MESSAGE = "Job cancelled by request";

  private final Job job;
  private final ModelRegistry registry;
  private final PipelineOptions options;
  private final Duration progressInterval;
  private PredictionRun run;
  private boolean cancelRequested;

  /**
   * @param job a validated job; this object updates it in place
   */
  public PredictionJob(
      Job job, ModelRegistry registry, PipelineOptions options, Duration progressInterval) {
    this.job = job;
    this.registry = registry;
    this.options = options;
    this.progressInterval = progressInterval;
  }

  /**
   * Starts loading the job's model in the background (see {@link PredictionRun#warmUp}) and returns
   * a handle to close once the job has ended. A job whose model cannot be named yet gets a handle
   * that does nothing: {@link #run} reports the problem.
   */
  public static AutoCloseable warmUp(Job job, ModelRegistry registry) {
    try {
      return PredictionRun.warmUp(PredictionJobs.toSpec(job.predictionInput, registry));
    } catch (RuntimeException e) {
      return () -> {};
    }
  }

  /** Runs the job to its end and returns it. */
  public Job run(Listener listener) {
    job.startTime = Instant.now();
    job.jobPosition = 0L;
    setState(JobState.PREPARING, listener);
    PredictionRun started;
    try {
      PredictionSpec spec = PredictionJobs.toSpec(job.predictionInput, registry);
      job.predictionOutput = new PredictionOutput();
      job.predictionOutput.outputPath = job.predictionInput.outputPath;
      PredictionRun.Prepared prepared = PredictionRun.prepare(spec, options);
      synchronized (this) {
        if (cancelRequested) {
          return finish(JobState.CANCELLED, CANCELLED_MESSAGE, listener);
        }
      }
      // Starting may take a while (a runner may submit the job before returning): a cancel
      // meanwhile must not wait for it, so it is applied once the run exists.
      started = prepared.start();
      boolean cancelNow;
      synchronized (this) {
        run = started;
        cancelNow = cancelRequested;
      }
      if (cancelNow) {
        started.cancel();
      }
    } catch (InvalidJobException | PredictionSetupException e) {
      return finish(JobState.FAILED, e.getMessage(), listener);
    } catch (RuntimeException e) {
      return finish(JobState.FAILED, "The job could not start: " + e, listener);
    }
    setState(JobState.RUNNING, listener);
    PredictionRun.Outcome outcome =
        started.waitUntilFinish(
            progressInterval,
            progress -> {
              record(progress);
              listener.changed(job);
            });
    record(outcome.progress());
    switch (outcome.state()) {
      case SUCCEEDED:
        return finish(JobState.SUCCEEDED, null, listener);
      case CANCELLED:
        return finish(JobState.CANCELLED, CANCELLED_MESSAGE, listener);
      default:
        synchronized (this) {
          if (cancelRequested) {
            return finish(JobState.CANCELLED, CANCELLED_MESSAGE, listener);
          }
        }
        return finish(JobState.FAILED, outcome.errorMessage(), listener);
    }
  }

  /** Stops the job: before its pipeline starts, it never starts; after, the pipeline cancels. */
  public void cancel() {
    PredictionRun running;
    synchronized (this) {
      cancelRequested = true;
      running = run;
    }
    if (running != null) {
      running.cancel();
    }
  }

  private void record(PredictionRun.Progress progress) {
    job.predictionOutput.predictionCount = progress.predictionCount();
    job.predictionOutput.errorCount = progress.errorCount();
    job.predictionOutput.nodeHours = progress.nodeHours();
  }

  private void setState(JobState state, Listener listener) {
    job.state = state;
    listener.changed(job);
  }

  private Job finish(JobState state, String errorMessage, Listener listener) {
    job.endTime = Instant.now();
    job.errorMessage = errorMessage;
    if (job.predictionOutput == null) {
      job.predictionOutput = new PredictionOutput();
      job.predictionOutput.outputPath = job.predictionInput.outputPath;
    }
    if (job.predictionOutput.predictionCount == null) {
      record(new PredictionRun.Progress(0, 0, 0, 0));
    }
    setState(state, listener);
    return job;
  }
}
