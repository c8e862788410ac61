package org.batchpredict.service;

import java.util.Optional;
import org.batchpredict.iam.Policy;
import org.batchpredict.iam.PolicyStore;
import org.batchpredict.iam.ResourceNames;
import org.batchpredict.jobs.JobStore;

/**
 * Job IAM policies kept in the job store's {@code jobs} table, beside each job: {@code policy_json}
 * holds the policy, {@code policy_version} counts its writes and is the revision that access
 * control compares and sets.
 */
final class JobPolicyStore implements PolicyStore {
  private final JobStore store;

  JobPolicyStore(JobStore store) {
    this.store = store;
  }

  @Override
  public Versioned read(String job) {
    Optional<JobStore.StoredPolicy> stored = store.policy(project(job), jobId(job));
    if (stored.isEmpty() || stored.get().json() == null) {
      return stored.map(p -> new Versioned(p.version(), new Policy())).orElse(Versioned.NONE);
    }
    return new Versioned(stored.get().version(), Policy.fromJson(stored.get().json()));
  }

  @Override
  public boolean compareAndSet(String job, long expectedRevision, Policy policy) {
    return store.setPolicy(project(job), jobId(job), expectedRevision, policy.toJson());
  }

  /** Whether {@code job} ({@code projects/P/jobs/J}) names a stored job. */
  boolean exists(String job) {
    return ResourceNames.isJob(job) && store.get(project(job), jobId(job)).isPresent();
  }

  private static String project(String job) {
    return ResourceNames.project(job);
  }

  private static String jobId(String job) {
    return job.substring(job.lastIndexOf('/') + 1);
  }
}
