package org.batchpredict.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;
import org.batchpredict.iam.AuditLog;
import org.batchpredict.iam.Authenticator;
import org.batchpredict.iam.IamException;
import org.batchpredict.iam.Principal;
import org.batchpredict.iam.ResourceNames;
import org.batchpredict.iam.SetIamPolicyRequest;
import org.batchpredict.iam.TestIamPermissionsRequest;
import org.batchpredict.jobs.Job;
import org.batchpredict.jobs.JobJson;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP layer of the jobs service: maps the ml v1 paths of {@code projects.jobs} to {@link
 * JobsApi}, reads request bodies as the Google clients send them (gzip, {@code
 * X-HTTP-Method-Override}), takes the standard query parameters ({@code alt}, {@code $.xgafv},
 * {@code prettyPrint}, {@code fields}, {@code key}, ...) and writes responses and {@code
 * google.rpc.Status} errors as JSON.
 *
 * <p>Every request to an API method is authenticated first ({@link Authenticator}: 401 for a
 * missing or bad bearer token), then dispatched; {@link JobsApi} checks the permission. Each call
 * is then offered to the {@link AuditLog}, which keeps mutating and denied calls.
 */
final class ApiHandler extends Handler.Abstract {
  private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

  private static final Pattern JOBS =
      Pattern.compile("/v1/projects/([^/:]+)/jobs(?:/([^/:]+)(?::([A-Za-z]+))?)?");
  private static final Set<String> STANDARD_PARAMETERS =
      Set.of(
          "alt",
          "$.xgafv",
          "prettyPrint",
          "fields",
          "key",
          "access_token",
          "oauth_token",
          "quotaUser",
          "callback",
          "upload_protocol",
          "uploadType");
  private static final long MAX_BODY_BYTES = 10L << 20;

  private final JobsApi api;
  private final Authenticator authenticator;
  private final AuditLog audit;
  private final Clock clock;

  ApiHandler(JobsApi api, Authenticator authenticator, AuditLog audit, Clock clock) {
    this.api = api;
    this.authenticator = authenticator;
    this.audit = audit;
    this.clock = clock;
  }

  /**
   * One method of {@code projects.jobs} as a request addresses it.
   *
   * @param method the API method: create, list, get, patch, cancel, getIamPolicy, setIamPolicy or
   *     testIamPermissions
   * @param jobId null for create and list
   */
  private record Route(String method, String project, String jobId) {
    /** The resource access is checked on: the project for create and list, else the job. */
    String resource() {
      return jobId == null ? "projects/" + project : ResourceNames.job(project, jobId);
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Fields query = Request.extractQueryParameters(request, StandardCharsets.UTF_8);
    boolean pretty = !"false".equalsIgnoreCase(query.getValue("prettyPrint"));
    Route route = null;
    String audited = null; // the resource the audit log names, when not the route's
    Principal caller = null;
    Object result = null;
    ApiException failure = null;
    try {
      String method = method(request);
      route = route(method, request.getHttpURI().getDecodedPath());
      // Who is calling, before the request is looked at any further.
      caller = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
      RequestContext context =
          new RequestContext(
              caller, method, request.getHttpURI().getPath(), Request.getRemoteAddr(request));
      result = dispatch(context, route, request, query);
      if (route.method().equals("create") && result instanceof Job created) {
        audited = ResourceNames.job(route.project(), created.jobId);
      }
      String fields = query.getValue("fields");
      if (fields != null) {
        result = PartialResponse.select(JobJson.MAPPER.valueToTree(result), fields);
      }
    } catch (ApiException e) {
      failure = e;
    } catch (IamException e) {
      failure = ApiException.from(e);
    } catch (RuntimeException e) {
      LOG.error("Request {} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
      failure = new ApiException(ApiException.Status.INTERNAL, "Internal error: " + e.getMessage());
    }
    if (route != null) {
      audit(caller, route, audited == null ? route.resource() : audited, failure);
    }
    String body;
    try {
      Object shown = failure == null ? result : error(failure);
      body =
          pretty
              ? JobJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(shown)
              : JobJson.MAPPER.writeValueAsString(shown);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot write a response as JSON", e);
    }
    response.setStatus(failure == null ? 200 : failure.httpCode());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json; charset=UTF-8");
    Content.Sink.write(response, true, body + "\n", callback);
    return true;
  }

  /**
   * Records the call in the audit log, which keeps mutating calls and denied ones; a job created is
   * named as the resource, other calls name what access was checked on. A failure to record is
   * logged: the call has happened and its answer stands.
   */
  private void audit(Principal caller, Route route, String resource, ApiException failure) {
    try {
      audit.recordCall(
          clock.instant(),
          caller == null ? null : caller.member(),
          "projects.jobs." + route.method(),
          resource,
          failure == null ? "OK" : failure.status().name(),
          failure == null ? null : failure.getMessage());
    } catch (RuntimeException e) {
      LOG.error(
          "Cannot record {} on {} by {} in the audit log", route.method(), resource, caller, e);
    }
  }

  private static String method(Request request) {
    String override = request.getHeaders().get("X-HTTP-Method-Override");
    if (override != null && request.getMethod().equals("POST")) {
      return override.strip().toUpperCase(Locale.ROOT);
    }
    return request.getMethod();
  }

  /** The API method a request's HTTP method and path address. */
  private static Route route(String method, String path) {
    Matcher matcher = JOBS.matcher(path);
    if (!matcher.matches()) {
      throw new ApiException(
          ApiException.Status.NOT_FOUND,
          "No API method at "
              + path
              + ": this server serves /v1/projects/PROJECT/jobs and /v1/projects/PROJECT/jobs/JOB");
    }
    String project = matcher.group(1);
    String jobId = matcher.group(2);
    String verb = matcher.group(3);
    if (jobId == null) {
      return switch (method) {
        case "POST" -> new Route("create", project, null);
        case "GET" -> new Route("list", project, null);
        default -> throw notAllowed(method, path, "GET, POST");
      };
    }
    if (verb == null) {
      return switch (method) {
        case "GET" -> new Route("get", project, jobId);
        case "PATCH" -> new Route("patch", project, jobId);
        default -> throw notAllowed(method, path, "GET, PATCH");
      };
    }
    switch (verb) {
      case "cancel", "setIamPolicy", "testIamPermissions" -> requirePost(method, path);
      case "getIamPolicy" -> {
        if (!method.equals("GET")) {
          requirePost(method, path);
        }
      }
      default ->
          throw new ApiException(
              ApiException.Status.NOT_FOUND,
              "No API method \":"
                  + verb
                  + "\" on jobs: use :cancel, :getIamPolicy, :setIamPolicy or :testIamPermissions");
    }
    return new Route(verb, project, jobId);
  }

  private Object dispatch(RequestContext context, Route route, Request request, Fields query) {
    checkStandardParameters(query);
    String project = route.project();
    String jobId = route.jobId();
    switch (route.method()) {
      case "create":
        onlyParameters(query);
        return api.create(context, project, readJob(request, "job"));
      case "list":
        onlyParameters(query, "filter", "pageSize", "pageToken");
        return api.list(
            context,
            project,
            query.getValue("filter"),
            intParameter(query, "pageSize"),
            query.getValue("pageToken"));
      case "get":
        onlyParameters(query);
        return api.get(context, project, jobId);
      case "patch":
        onlyParameters(query, "updateMask");
        return api.patch(
            context, project, jobId, readJob(request, "job"), query.getValue("updateMask"));
      case "cancel":
        onlyParameters(query);
        JsonNode cancel = readTree(request);
        if (cancel != null && cancel.isObject() && cancel.size() > 0) {
          String name = cancel.fieldNames().next();
          throw new ApiException(
              ApiException.Status.INVALID_ARGUMENT,
              "Invalid JSON payload received. Unknown name \"" + name + "\": Cannot find field.",
              name);
        }
        api.cancel(context, project, jobId);
        return JobJson.MAPPER.createObjectNode();
      case "getIamPolicy":
        Integer version;
        if (context.method().equals("GET")) {
          onlyParameters(query, "options.requestedPolicyVersion");
          version = intParameter(query, "options.requestedPolicyVersion");
        } else {
          onlyParameters(query);
          version = requestedPolicyVersion(readTree(request));
        }
        return api.getIamPolicy(context, project, jobId, version);
      case "setIamPolicy":
        onlyParameters(query);
        return api.setIamPolicy(
            context,
            project,
            jobId,
            SetIamPolicyRequest.fromJson(orEmpty(readTree(request)).toString()));
      case "testIamPermissions":
        onlyParameters(query);
        return api.testIamPermissions(
            context,
            project,
            jobId,
            TestIamPermissionsRequest.fromJson(orEmpty(readTree(request)).toString()));
      default:
        throw new IllegalStateException("No dispatch for method " + route.method());
    }
  }

  private static void checkStandardParameters(Fields query) {
    String alt = query.getValue("alt");
    if (alt != null && !alt.equals("json")) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid alt \"" + alt + "\": this server answers only alt=json",
          "alt");
    }
    String xgafv = query.getValue("$.xgafv");
    if (xgafv != null && !xgafv.equals("1") && !xgafv.equals("2")) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid $.xgafv \"" + xgafv + "\": expected 1 or 2",
          "$.xgafv");
    }
    String pretty = query.getValue("prettyPrint");
    if (pretty != null && !pretty.equalsIgnoreCase("true") && !pretty.equalsIgnoreCase("false")) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid prettyPrint \"" + pretty + "\": expected true or false",
          "prettyPrint");
    }
  }

  /** Refuses query parameters that are neither standard nor among the method's own. */
  private static void onlyParameters(Fields query, String... own) {
    List<String> allowed = List.of(own);
    for (String name : query.getNames()) {
      if (!STANDARD_PARAMETERS.contains(name) && !allowed.contains(name)) {
        throw new ApiException(
            ApiException.Status.INVALID_ARGUMENT,
            "Invalid JSON payload received. Unknown name \""
                + name
                + "\": Cannot bind query parameter."
                + (own.length == 0 ? "" : " This method takes " + String.join(", ", own)),
            name);
      }
    }
  }

  private static Integer intParameter(Fields query, String name) {
    String value = query.getValue(name);
    if (value == null || value.isEmpty()) {
      return null;
    }
    try {
      return Integer.valueOf(value);
    } catch (NumberFormatException e) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid value at '" + name + "' (TYPE_INT32), \"" + value + "\"",
          name);
    }
  }

  private static Integer requestedPolicyVersion(JsonNode body) {
    if (body == null) {
      return null;
    }
    if (!body.isObject()) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT, "The request body must be a JSON object");
    }
    for (String name : (Iterable<String>) body::fieldNames) {
      if (!name.equals("options")) {
        throw new ApiException(
            ApiException.Status.INVALID_ARGUMENT,
            "Invalid JSON payload received. Unknown name \"" + name + "\": Cannot find field.",
            name);
      }
    }
    JsonNode options = body.path("options");
    for (String name : (Iterable<String>) options::fieldNames) {
      if (!name.equals("requestedPolicyVersion")) {
        throw new ApiException(
            ApiException.Status.INVALID_ARGUMENT,
            "Invalid JSON payload received. Unknown name \""
                + name
                + "\" at 'options': Cannot find field.",
            "options." + name);
      }
    }
    JsonNode version = options.get("requestedPolicyVersion");
    if (version == null || version.isNull()) {
      return null;
    }
    if (!version.canConvertToInt() || !(version.isIntegralNumber() || version.isTextual())) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid value at 'options.requestedPolicyVersion' (TYPE_INT32), " + version,
          "options.requestedPolicyVersion");
    }
    return version.asInt();
  }

  private static ObjectNode orEmpty(JsonNode body) {
    if (body == null) {
      return JobJson.MAPPER.createObjectNode();
    }
    if (!body.isObject()) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT, "The request body must be a JSON object");
    }
    return (ObjectNode) body;
  }

  private static Job readJob(Request request, String what) {
    byte[] body = readBody(request);
    if (body.length == 0) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT, "The request body must be a Job", what);
    }
    try {
      return JobJson.MAPPER.readValue(body, Job.class);
    } catch (UnrecognizedPropertyException e) {
      String at = at(what, e.getPath().subList(0, e.getPath().size() - 1));
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid JSON payload received. Unknown name \""
              + e.getPropertyName()
              + "\" at '"
              + at
              + "': Cannot find field.",
          at + "." + e.getPropertyName());
    } catch (MismatchedInputException e) {
      String at = at(what, e.getPath());
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "Invalid value at '" + at + "': " + e.getOriginalMessage(),
          at);
    } catch (IOException e) {
      throw invalidJson(e);
    }
  }

  private static JsonNode readTree(Request request) {
    byte[] body = readBody(request);
    if (body.length == 0) {
      return null;
    }
    try {
      return JobJson.MAPPER.readTree(body);
    } catch (IOException e) {
      throw invalidJson(e);
    }
  }

  private static byte[] readBody(Request request) {
    String encoding = request.getHeaders().get(HttpHeader.CONTENT_ENCODING);
    try (InputStream raw = Content.Source.asInputStream(request)) {
      InputStream in = raw;
      if (encoding != null && encoding.strip().equalsIgnoreCase("gzip")) {
        in = new GZIPInputStream(raw);
      } else if (encoding != null && !encoding.isBlank() && !encoding.equals("identity")) {
        throw new ApiException(
            ApiException.Status.INVALID_ARGUMENT,
            "Unsupported Content-Encoding \"" + encoding + "\": send gzip or identity");
      }
      byte[] body = in.readNBytes((int) MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        throw new ApiException(
            ApiException.Status.INVALID_ARGUMENT,
            "The request body is larger than " + MAX_BODY_BYTES + " bytes");
      }
      return body;
    } catch (ZipException e) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT,
          "The request body is not valid gzip: " + e.getMessage());
    } catch (IOException e) {
      throw new ApiException(
          ApiException.Status.INVALID_ARGUMENT, "Cannot read the request body: " + e.getMessage());
    }
  }

  private static String at(String root, List<JsonMappingException.Reference> path) {
    StringBuilder at = new StringBuilder(root);
    for (JsonMappingException.Reference reference : path) {
      if (reference.getFieldName() != null) {
        at.append('.').append(reference.getFieldName());
      } else if (reference.getIndex() >= 0) {
        at.append('[').append(reference.getIndex()).append(']');
      }
    }
    return at.toString();
  }

  private static ApiException invalidJson(IOException e) {
    String detail =
        e instanceof JsonProcessingException json ? json.getOriginalMessage() : e.getMessage();
    return new ApiException(
        ApiException.Status.INVALID_ARGUMENT, "Invalid JSON payload received. " + detail);
  }

  private static void requirePost(String method, String path) {
    if (!method.equals("POST")) {
      throw notAllowed(method, path, "POST");
    }
  }

  private static ApiException notAllowed(String method, String path, String allowed) {
    return ApiException.methodNotAllowed(
        "Method " + method + " is not allowed on " + path + ": use " + allowed);
  }

  private static ObjectNode error(ApiException e) {
    ObjectNode error = JobJson.MAPPER.createObjectNode();
    error.put("code", e.httpCode());
    error.put("message", e.getMessage());
    error.put("status", e.status().name());
    if (e.field() != null) {
      ArrayNode details = error.putArray("details");
      ObjectNode badRequest = details.addObject();
      badRequest.put("@type", "type.googleapis.com/google.rpc.BadRequest");
      ObjectNode violation = badRequest.putArray("fieldViolations").addObject();
      violation.put("field", e.field());
      violation.put("description", e.getMessage());
    }
    ObjectNode root = JobJson.MAPPER.createObjectNode();
    root.set("error", error);
    return root;
  }
}
