package org.batchpredict.pipeline;

import java.lang.reflect.Field;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.beam.runners.core.metrics.MetricsContainerStepMap;
import org.apache.beam.runners.flink.FlinkDetachedRunnerResult;
import org.apache.beam.runners.flink.metrics.FlinkMetricContainer;
import org.apache.beam.sdk.PipelineResult;
import org.apache.beam.sdk.metrics.MetricResults;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.client.JobCancellationException;
import org.joda.time.Duration;

/**
 * A Flink job started without waiting for it ({@code attachedMode=false}), followed through its
 * {@link JobClient}: the state and final counts come from the job's execution result, the counts
 * while it runs from its accumulators, and {@link #cancel} cancels it.
 *
 * <p>Beam's own detached result asks the cluster for the job's status and accumulators, which fails
 * once the job has ended on an embedded cluster: Flink shuts that cluster down with its only job.
 * The execution result outlives the cluster, so this result takes the end from there. Flink sends a
 * running job's accumulators with its task heartbeats, so the counts seen while it runs trail the
 * work by up to a heartbeat interval (10 s by default).
 */
final class FlinkJobResult implements PipelineResult {
  private final JobClient client;
  private final CompletableFuture<JobExecutionResult> finished;
  private final AtomicBoolean cancelRequested = new AtomicBoolean();
  private volatile MetricsContainerStepMap lastMetrics = new MetricsContainerStepMap();

  private FlinkJobResult(JobClient client) {
    this.client = client;
    this.finished = client.getJobExecutionResult();
  }

  /** Follows the Flink job behind Beam's detached result. */
  static FlinkJobResult of(FlinkDetachedRunnerResult detached) {
    try {
      // Beam 2.70 keeps the job's client private and offers no other way to reach it.
      Field field = FlinkDetachedRunnerResult.class.getDeclaredField("jobClient");
      field.setAccessible(true);
      return new FlinkJobResult((JobClient) field.get(detached));
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException(
          "Cannot follow the Flink job: this Beam version's FlinkDetachedRunnerResult has no"
              + " jobClient field ("
              + e
              + "); run with the Beam version in pom.xml",
          e);
    }
  }

  @Override
  public State getState() {
    if (!finished.isDone()) {
      return State.RUNNING;
    }
    try {
      finished.join();
      return State.DONE;
    } catch (CancellationException e) {
      return State.CANCELLED;
    } catch (RuntimeException e) {
      return cancelled(e) ? State.CANCELLED : State.FAILED;
    }
  }

  @Override
  public State cancel() {
    if (!finished.isDone() && cancelRequested.compareAndSet(false, true)) {
      client.cancel();
    }
    return getState();
  }

  @Override
  public State waitUntilFinish(Duration duration) {
    try {
      finished.get(duration.getMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      return State.RUNNING;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return State.RUNNING;
    } catch (ExecutionException | CancellationException e) {
      // The state says how it ended.
    }
    State state = getState();
    if (state == State.FAILED) {
      throw new IllegalStateException("The Flink job failed", failure());
    }
    return state;
  }

  @Override
  public State waitUntilFinish() {
    return waitUntilFinish(Duration.millis(Long.MAX_VALUE));
  }

  /**
   * The counts of the finished job from its execution result; while it runs, those its accumulators
   * reported last.
   */
  @Override
  public MetricResults metrics() {
    if (finished.isDone() && !finished.isCompletedExceptionally()) {
      return MetricsContainerStepMap.asAttemptedOnlyMetricResults(
          metricsIn(finished.join().getAllAccumulatorResults()));
    }
    if (!finished.isDone()) {
      try {
        lastMetrics = metricsIn(client.getAccumulators().get(10, TimeUnit.SECONDS));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException | RuntimeException e) {
        // The job may have just ended, taking its embedded cluster with it: keep the last counts.
      }
    }
    return MetricsContainerStepMap.asAttemptedOnlyMetricResults(lastMetrics);
  }

  private static MetricsContainerStepMap metricsIn(Map<String, Object> accumulators) {
    Object metrics =
        accumulators == null ? null : accumulators.get(FlinkMetricContainer.ACCUMULATOR_NAME);
    return metrics instanceof MetricsContainerStepMap map ? map : new MetricsContainerStepMap();
  }

  private Throwable failure() {
    try {
      finished.join();
      return null;
    } catch (RuntimeException e) {
      return e.getCause() == null ? e : e.getCause();
    }
  }

  private static boolean cancelled(Throwable e) {
    for (Throwable cause = e; cause != null; cause = cause.getCause()) {
      if (cause instanceof JobCancellationException) {
        return true;
      }
      if (cause.getCause() == cause) {
        break;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return "FlinkJobResult{" + client.getJobID() + "}";
  }
}
