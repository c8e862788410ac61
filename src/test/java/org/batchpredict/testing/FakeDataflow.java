package org.batchpredict.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A loopback stand-in for the Dataflow v1b3 calls the DataflowRunner makes for one job: create the
 * job, get it (its {@code currentState} is whatever the test sets), list its messages (none) and
 * its metrics (the user counters the test sets, reported on the job's {@code
 * PredictBatches/Predict} step, both tentative and committed, as Dataflow reports them), and update
 * it (a cancel request moves it to {@code JOB_STATE_CANCELLED}). Point Beam at it with {@code
 * --dataflowEndpoint=}{@link #endpoint()}.
 *
 * <p>Every request is recorded in {@link #requests()}; one it does not know is answered 501.
 */
public final class FakeDataflow implements AutoCloseable {
  /** One request as received: method, path and JSON body (null when empty). */
  public record Request(String method, String path, JsonNode body) {}

  public static final String JOB_ID = "2026-01-01_00_00_00-1234567890";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern JOBS =
      Pattern.compile(
          "^/v1b3/projects/([^/]+)(?:/locations/([^/]+))?/jobs(?:/([^/:]+))?(/messages|/metrics)?$");

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile String state = "JOB_STATE_PENDING";
  private volatile JsonNode created;
  private final Map<String, Long> counters = new ConcurrentHashMap<>();

  private FakeDataflow(HttpServer server) {
    this.server = server;
  }

  public static FakeDataflow start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeDataflow dataflow = new FakeDataflow(server);
    server.createContext("/", dataflow::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return dataflow;
  }

  /** The value for Beam's {@code --dataflowEndpoint}. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  /** Sets the job's {@code currentState}, e.g. {@code JOB_STATE_RUNNING}. */
  public void setState(String state) {
    this.state = state;
  }

  /** Sets a user counter of the {@code batch-predict} namespace, e.g. {@code ml-predictions}. */
  public void setCounter(String name, long value) {
    counters.put(name, value);
  }

  /** The job the runner created, or null before it has. */
  public JsonNode createdJob() {
    return created;
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] bytes = FakeGcs.requestBody(exchange);
      JsonNode body = bytes.length == 0 ? null : JSON.readTree(bytes);
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      requests.add(new Request(method, path, body));
      int status = 200;
      JsonNode response;
      Matcher m = JOBS.matcher(path);
      if (!m.matches()) {
        status = 501;
        response = error(501, "The fake Dataflow does not serve " + method + " " + path);
      } else if (method.equals("POST") && m.group(3) == null) {
        created = body;
        response = job(m.group(1), m.group(2));
      } else if (method.equals("GET") && "/messages".equals(m.group(4))) {
        response = JSON.createObjectNode().set("jobMessages", JSON.createArrayNode());
      } else if (method.equals("GET") && "/metrics".equals(m.group(4))) {
        response = metrics();
      } else if (method.equals("GET") && m.group(3) != null) {
        response = job(m.group(1), m.group(2));
      } else if (method.equals("PUT") && m.group(3) != null) {
        if (body != null && "JOB_STATE_CANCELLED".equals(body.path("requestedState").asText())) {
          state = "JOB_STATE_CANCELLED";
        }
        response = job(m.group(1), m.group(2));
      } else {
        status = 501;
        response = error(501, "The fake Dataflow does not serve " + method + " " + path);
      }
      byte[] out = response.toString().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
      exchange.sendResponseHeaders(status, out.length);
      try (OutputStream stream = exchange.getResponseBody()) {
        stream.write(out);
      }
    }
  }

  private ObjectNode job(String project, String location) {
    ObjectNode job = JSON.createObjectNode();
    job.put("id", JOB_ID).put("projectId", project);
    if (location != null) {
      job.put("location", location);
    }
    JsonNode request = created;
    if (request != null) {
      job.put("name", request.path("name").asText());
      job.put("clientRequestId", request.path("clientRequestId").asText());
      job.put("type", request.path("type").asText());
    }
    job.put("currentState", state);
    return job;
  }

  /** Each counter twice, tentative (attempted) and committed, on the job's prediction step. */
  private JsonNode metrics() {
    ArrayNode metrics = JSON.createArrayNode();
    String step = predictStep();
    if (step != null) {
      counters.forEach(
          (name, value) -> {
            for (boolean tentative : new boolean[] {true, false}) {
              ObjectNode update = metrics.addObject();
              ObjectNode metricName = update.putObject("name");
              metricName.put("origin", "user").put("name", name);
              ObjectNode context = metricName.putObject("context");
              context.put("step", step).put("namespace", "batch-predict");
              if (tentative) {
                context.put("tentative", "true");
              }
              update.put("kind", "SUM").put("scalar", value);
            }
          });
    }
    return JSON.createObjectNode().set("metrics", metrics);
  }

  /** The internal name ({@code sN}) of the created job's prediction step. */
  private String predictStep() {
    JsonNode request = created;
    if (request == null) {
      return null;
    }
    for (JsonNode step : request.path("steps")) {
      String userName = step.path("properties").path("user_name").path("value").asText();
      if (userName.equals("PredictBatches/Predict")) {
        return step.path("name").asText();
      }
    }
    return null;
  }

  private static JsonNode error(int code, String message) {
    ObjectNode error = JSON.createObjectNode();
    error.putObject("error").put("code", code).put("message", message);
    return error;
  }
}
