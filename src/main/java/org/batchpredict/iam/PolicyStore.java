package org.batchpredict.iam;

/**
 * Where the IAM policy of each job lives, with a revision counter for compare-and-set. The jobs
 * service implements it over its job table ({@code policy_json}, {@code policy_version}); {@link
 * InMemoryPolicyStore} keeps policies in memory.
 */
public interface PolicyStore {
  /** A policy as stored and the number of writes behind it; revision 0 is "never set". */
  record Versioned(long revision, Policy policy) {
    public static final Versioned NONE = new Versioned(0, new Policy());
  }

  /** The policy of {@code job}, or {@link Versioned#NONE} when it never had one. */
  Versioned read(String job);

  /**
   * Stores {@code policy} as revision {@code expectedRevision + 1} if the stored revision is still
   * {@code expectedRevision}; atomically.
   *
   * @return false when another write came first
   */
  boolean compareAndSet(String job, long expectedRevision, Policy policy);
}
