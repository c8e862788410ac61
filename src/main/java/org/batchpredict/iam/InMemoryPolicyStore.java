package org.batchpredict.iam;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/** Job policies in memory: for tests and for a server that keeps no state across restarts. */
public final class InMemoryPolicyStore implements PolicyStore {
  private final ConcurrentMap<String, Versioned> policies = new ConcurrentHashMap<>();

  @Override
  public Versioned read(String job) {
    Versioned found = policies.get(job);
    return found == null ? Versioned.NONE : new Versioned(found.revision(), found.policy().copy());
  }

  @Override
  public boolean compareAndSet(String job, long expectedRevision, Policy policy) {
    Versioned next = new Versioned(expectedRevision + 1, policy.copy());
    if (expectedRevision == 0) {
      return policies.putIfAbsent(job, next) == null;
    }
    Versioned current = policies.get(job);
    return current != null
        && current.revision() == expectedRevision
        && policies.replace(job, current, next);
  }
}
