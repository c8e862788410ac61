package org.batchpredict.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.batchpredict.jobs.InvalidJobException;
import org.batchpredict.jobs.Job;
import org.batchpredict.jobs.JobExistsException;
import org.batchpredict.jobs.JobFilter;
import org.batchpredict.jobs.JobJson;
import org.batchpredict.jobs.JobQueue;
import org.batchpredict.jobs.JobState;
import org.batchpredict.jobs.JobStateException;
import org.batchpredict.jobs.JobStore;
import org.batchpredict.jobs.JobStore.StoredJob;
import org.batchpredict.jobs.JobStore.StoredPolicy;
import org.batchpredict.jobs.JobValidator;
import org.batchpredict.jobs.ModelRegistry;
import org.batchpredict.jobs.PageToken;
import org.batchpredict.jobs.UnsupportedJobException;

/**
 * The methods of {@code projects.jobs}, one per API call, free of HTTP. Each first checks the
 * permission it names with the {@link AccessPolicy}, then works on the {@link JobStore} and {@link
 * JobQueue}. Failures are {@link ApiException}s with the API's status codes.
 */
public final class JobsApi {
  public static final int DEFAULT_PAGE_SIZE = 20;
  public static final int MAX_PAGE_SIZE = 100;
  private static final int SCAN_CHUNK = 200;
  private static final Set<String> PATCH_MASK = Set.of("labels", "etag");

  private final JobStore store;
  private final JobQueue queue;
  private final ModelRegistry registry;
  private final AccessPolicy access;

  public JobsApi(JobStore store, JobQueue queue, ModelRegistry registry, AccessPolicy access) {
    this.store = store;
    this.queue = queue;
    this.registry = registry;
    this.access = access;
  }

  /** {@code create}, permission {@code ml.jobs.create}: validates, stores and queues a job. */
  public Job create(RequestContext context, String project, Job job) {
    access.check(context, "ml.jobs.create", "projects/" + project);
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
    queue.wake();
    return view(stored);
  }

  /** {@code get}, permission {@code ml.jobs.get}. */
  public Job get(RequestContext context, String project, String jobId) {
    access.check(context, "ml.jobs.get", name(project, jobId));
    return view(find(project, jobId));
  }

  /**
   * {@code list}, permission {@code ml.jobs.list}: the project's jobs matching {@code filter},
   * newest first.
   *
   * @return the response body: {@code jobs} and {@code nextPageToken}, each left out when empty
   */
  public Map<String, Object> list(
      RequestContext context, String project, String filter, Integer pageSize, String pageToken) {
    access.check(context, "ml.jobs.list", "projects/" + project);
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
        if (matches.test(stored.job())) {
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
    access.check(context, "ml.jobs.cancel", name(project, jobId));
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
    access.check(context, "ml.jobs.update", name(project, jobId));
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

  /** {@code getIamPolicy}, permission {@code ml.jobs.getIamPolicy}. */
  public ObjectNode getIamPolicy(
      RequestContext context, String project, String jobId, Integer requestedPolicyVersion) {
    access.check(context, "ml.jobs.getIamPolicy", name(project, jobId));
    if (requestedPolicyVersion != null
        && requestedPolicyVersion != 0
        && requestedPolicyVersion != 1
        && requestedPolicyVersion != 3) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "options.requestedPolicyVersion must be 0, 1 or 3, got " + requestedPolicyVersion,
          "options.requestedPolicyVersion");
    }
    StoredPolicy policy = store.policy(project, jobId).orElseThrow(() -> notFound(project, jobId));
    return IamPolicies.withEtag(policy);
  }

  /**
   * {@code setIamPolicy}, permission {@code ml.jobs.setIamPolicy}: replaces the fields of the
   * policy that {@code updateMask} names (default {@code bindings,etag}); a policy {@code etag}
   * must be the current one.
   */
  public ObjectNode setIamPolicy(
      RequestContext context, String project, String jobId, JsonNode request) {
    access.check(context, "ml.jobs.setIamPolicy", name(project, jobId));
    IamPolicies.SetRequest parsed = IamPolicies.parseSetRequest(request);
    while (true) {
      StoredPolicy current =
          store.policy(project, jobId).orElseThrow(() -> notFound(project, jobId));
      String etag = IamPolicies.etag(current);
      if (parsed.etag() != null && !parsed.etag().equals(etag)) {
        throw new ApiException(
            ApiException.Status.ABORTED,
            "The policy etag \""
                + parsed.etag()
                + "\" is not the current one of "
                + name(project, jobId)
                + ": the policy changed since you read it; get it again and retry",
            "policy.etag");
      }
      ObjectNode merged = IamPolicies.merge(current, parsed);
      if (store.setPolicy(project, jobId, current.version(), merged.toString())) {
        return IamPolicies.withEtag(new StoredPolicy(current.version() + 1, merged.toString()));
      }
      if (parsed.etag() != null) {
        throw new ApiException(
            ApiException.Status.ABORTED,
            "The policy of " + name(project, jobId) + " changed meanwhile; get it again and retry",
            "policy.etag");
      }
    }
  }

  /**
   * {@code testIamPermissions}: the requested permissions the caller holds on the job; none for a
   * job that does not exist. Needs no permission of its own.
   */
  public ObjectNode testIamPermissions(
      RequestContext context, String project, String jobId, JsonNode request) {
    List<String> requested = IamPolicies.parsePermissions(request);
    ObjectNode response = JobJson.MAPPER.createObjectNode();
    if (store.get(project, jobId).isEmpty()) {
      return response;
    }
    ArrayNode held = JobJson.MAPPER.createArrayNode();
    for (String permission : requested) {
      if (access.allows(context, permission, name(project, jobId))) {
        held.add(permission);
      }
    }
    if (!held.isEmpty()) {
      response.set("permissions", held);
    }
    return response;
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
