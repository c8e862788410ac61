package org.batchpredict.service;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.batchpredict.iam.AccessControl;
import org.batchpredict.iam.Permissions;
import org.batchpredict.iam.Policy;
import org.batchpredict.iam.SetIamPolicyRequest;
import org.batchpredict.iam.TestIamPermissionsRequest;
import org.batchpredict.jobs.InvalidJobException;
import org.batchpredict.jobs.Job;
import org.batchpredict.jobs.JobExistsException;
import org.batchpredict.jobs.JobFilter;
import org.batchpredict.jobs.JobQueue;
import org.batchpredict.jobs.JobState;
import org.batchpredict.jobs.JobStateException;
import org.batchpredict.jobs.JobStore;
import org.batchpredict.jobs.JobStore.StoredJob;
import org.batchpredict.jobs.JobValidator;
import org.batchpredict.jobs.ModelRegistry;
import org.batchpredict.jobs.PageToken;
import org.batchpredict.jobs.UnsupportedJobException;

/**
 * The methods of {@code projects.jobs}, one per API call, free of HTTP. Each first checks the
 * permission it names with {@link AccessControl} for the caller of the {@link RequestContext},
 * before it looks for the job, so that a caller without the permission learns nothing about the
 * job; then it works on the {@link JobStore} and {@link JobQueue}. Failures are {@link
 * ApiException}s with the API's status codes, or the {@link org.batchpredict.iam.IamException}s of
 * access control.
 */
public final class JobsApi {
  public static final int DEFAULT_PAGE_SIZE = 20;
  public static final int MAX_PAGE_SIZE = 100;
  private static final int SCAN_CHUNK = 200;
  private static final Set<String> PATCH_MASK = Set.of("labels", "etag");

  private final JobStore store;
  private final JobQueue queue;
  private final ModelRegistry registry;
  private final AccessControl access;

  public JobsApi(JobStore store, JobQueue queue, ModelRegistry registry, AccessControl access) {
    this.store = store;
    this.queue = queue;
    this.registry = registry;
    this.access = access;
  }

  /** {@code create}, permission {@code ml.jobs.create}: validates, stores and queues a job. */
  public Job create(RequestContext context, String project, Job job) {
    access.check(context.caller(), Permissions.CREATE, "projects/" + project);
    try {
      JobValidator.validate(job);
      if (job.predictionInput.modelName != null && !job.predictionInput.modelName.isEmpty()) {
        registry.resolve("predictionInput.modelName", job.predictionInput.modelName);
      }
      if (job.predictionInput.versionName != null && !job.predictionInput.versionName.isEmpty()) {
        registry.resolve("predictionInput.versionName", job.predictionInput.versionName);
      }
    } catch (InvalidJobException e) {
      throw new ApiException(ApiException.Status.INVALID_ARGUMENT, e.getMessage(), e.field());
    } catch (UnsupportedJobException e) {
      throw new ApiException(ApiException.Status.UNIMPLEMENTED, e.getMessage(), "trainingInput");
    }
    // Output-only fields of the request are ignored, as the API does.
    job.createTime = Instant.now().truncatedTo(ChronoUnit.MICROS);
    job.state = JobState.QUEUED;
    job.startTime = null;
    job.endTime = null;
    job.errorMessage = null;
    job.predictionOutput = null;
    job.trainingOutput = null;
    job.etag = null;
    job.jobPosition = null;
    StoredJob stored;
    try {
      stored = store.insert(project, job);
    } catch (JobExistsException e) {
      throw new ApiException(ApiException.Status.ALREADY_EXISTS, e.getMessage(), "jobId");
    }
    // The local owner holds everything already; anyone else becomes the job's owner.
    if (!context.caller().isLocalOwner()) {
      access.grantCreator(context.caller(), name(project, job.jobId));
    }
    queue.wake();
    return view(stored);
  }

  /** {@code get}, permission {@code ml.jobs.get}. */
  public Job get(RequestContext context, String project, String jobId) {
    access.check(context.caller(), Permissions.GET, name(project, jobId));
    return view(find(project, jobId));
  }

  /**
   * {@code list}, permission {@code ml.jobs.list}: the project's jobs matching {@code filter} that
   * the caller may get ({@code ml.jobs.get}), newest first.
   *
   * @return the response body: {@code jobs} and {@code nextPageToken}, each left out when empty
   */
  public Map<String, Object> list(
      RequestContext context, String project, String filter, Integer pageSize, String pageToken) {
    access.check(context.caller(), Permissions.LIST, "projects/" + project);
    int size = pageSize == null || pageSize == 0 ? DEFAULT_PAGE_SIZE : pageSize;
    if (size < 0) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "pageSize must not be negative, got " + pageSize,
          "pageSize");
    }
    size = Math.min(size, MAX_PAGE_SIZE);
    Predicate<Job> matches;
    try {
      matches = JobFilter.parse(filter);
    } catch (JobFilter.FilterException e) {
      throw new ApiException(ApiException.Status.INVALID_ARGUMENT, e.getMessage(), "filter");
    }
    long before = Long.MAX_VALUE;
    if (pageToken != null && !pageToken.isEmpty()) {
      try {
        before = PageToken.decode(pageToken, filter);
      } catch (IllegalArgumentException e) {
        throw new ApiException(ApiException.Status.INVALID_ARGUMENT, e.getMessage(), "pageToken");
      }
    }

    // Walk back through creation order until a page and one more match are found.
    List<StoredJob> page = new ArrayList<>();
    boolean more = false;
    scan:
    while (true) {
      List<StoredJob> chunk = store.newestFirst(project, before, SCAN_CHUNK);
      for (StoredJob stored : chunk) {
        before = stored.seq();
        if (matches.test(stored.job())
            && access.allows(
                context.caller(), Permissions.GET, name(project, stored.job().jobId))) {
          if (page.size() == size) {
            more = true;
            break scan;
          }
          page.add(stored);
        }
      }
      if (chunk.size() < SCAN_CHUNK) {
        break;
      }
    }
    Map<String, Object> response = new LinkedHashMap<>();
    if (!page.isEmpty()) {
      response.put("jobs", page.stream().map(this::view).toList());
    }
    if (more) {
      response.put("nextPageToken", PageToken.encode(page.get(page.size() - 1).seq(), filter));
    }
    return response;
  }

  /** {@code cancel}, permission {@code ml.jobs.cancel}. */
  public void cancel(RequestContext context, String project, String jobId) {
    access.check(context.caller(), Permissions.CANCEL, name(project, jobId));
    try {
      if (queue.cancel(project, jobId).isEmpty()) {
        throw notFound(project, jobId);
      }
    } catch (JobStateException e) {
      throw new ApiException(ApiException.Status.FAILED_PRECONDITION, e.getMessage());
    }
  }

  /**
   * {@code patch}, permission {@code ml.jobs.update}: replaces the labels; a body {@code etag} must
   * be the job's current one.
   */
  public Job patch(
      RequestContext context, String project, String jobId, Job body, String updateMask) {
    access.check(context.caller(), Permissions.UPDATE, name(project, jobId));
    if (updateMask == null || updateMask.isBlank()) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "updateMask is required: only updateMask=labels is supported",
          "updateMask");
    }
    List<String> paths = Arrays.stream(updateMask.split(",")).map(String::strip).toList();
    for (String path : paths) {
      if (!PATCH_MASK.contains(path)) {
        throw new ApiException(
            ApiException.Status.INVALID_ARGUMENT,
            "updateMask path \""
                + path
                + "\" cannot be updated: only labels (and etag) may be changed on a job",
            "updateMask");
      }
    }
    if (paths.contains("labels")) {
      try {
        JobValidator.validateLabels(body.labels);
      } catch (InvalidJobException e) {
        throw new ApiException(ApiException.Status.INVALID_ARGUMENT, e.getMessage(), e.field());
      }
    }
    StoredJob current = find(project, jobId);
    while (true) {
      if (body.etag != null && !body.etag.isEmpty() && !body.etag.equals(current.etag())) {
        throw new ApiException(
            ApiException.Status.ABORTED,
            "The etag \""
                + body.etag
                + "\" is not the current etag of job "
                + name(project, jobId)
                + ": it was changed since you read it; get it again and retry",
            "etag");
      }
      Job changed = current.job();
      if (paths.contains("labels")) {
        changed.labels = body.labels == null || body.labels.isEmpty() ? null : body.labels;
      }
      var written = store.compareAndSet(current, changed);
      if (written.isPresent()) {
        return view(written.get());
      }
      current = find(project, jobId);
    }
  }

  /**
   * {@code getIamPolicy}, permission {@code ml.jobs.getIamPolicy}: the job's policy with its etag,
   * in the version the caller can read ({@code options.requestedPolicyVersion}).
   */
  public Policy getIamPolicy(
      RequestContext context, String project, String jobId, Integer requestedPolicyVersion) {
    return access.getIamPolicy(context.caller(), name(project, jobId), requestedPolicyVersion);
  }

  /**
   * {@code setIamPolicy}, permission {@code ml.jobs.setIamPolicy}: replaces the fields of the
   * policy that {@code updateMask} names (default {@code bindings,etag}); a policy {@code etag}
   * must be the current one.
   */
  public Policy setIamPolicy(
      RequestContext context, String project, String jobId, SetIamPolicyRequest request) {
    return access.setIamPolicy(context.caller(), name(project, jobId), request);
  }

  /**
   * {@code testIamPermissions}: the requested permissions the caller holds on the job; none for a
   * job that does not exist. Needs no permission of its own.
   */
  public Map<String, Object> testIamPermissions(
      RequestContext context, String project, String jobId, TestIamPermissionsRequest request) {
    List<String> held =
        access.testIamPermissions(context.caller(), name(project, jobId), request.permissions);
    return held.isEmpty() ? Map.of() : Map.of("permissions", held);
  }

  private StoredJob find(String project, String jobId) {
    return store.get(project, jobId).orElseThrow(() -> notFound(project, jobId));
  }

  /** The job as the API shows it: with its etag, and its place in the queue while QUEUED. */
  private Job view(StoredJob stored) {
    Job job = stored.job();
    job.etag = stored.etag();
    job.jobPosition = job.state == JobState.QUEUED ? store.queuePosition(stored.seq()) : null;
    return job;
  }

  private static ApiException notFound(String project, String jobId) {
    return new ApiException(
        ApiException.Status.NOT_FOUND, "Job " + name(project, jobId) + " not found");
  }

  private static String name(String project, String jobId) {
    return "projects/" + project + "/jobs/" + jobId;
  }
}
