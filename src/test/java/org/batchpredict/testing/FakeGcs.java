package org.batchpredict.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * A loopback stand-in for the part of the Cloud Storage JSON API that Beam's GCS file system uses,
 * holding objects in memory: object list, metadata, ranged media download, resumable upload,
 * rewrite, delete, and batches of those. Point Beam at it with {@code --gcsEndpoint=}{@link
 * #endpoint()} and {@code --credentialFactoryClass=NoopCredentialFactory}.
 *
 * <pre>{@code
 * try (FakeGcs gcs = FakeGcs.start()) {
 *   gcs.put("bucket", "in/a.json", bytes);
 *   // run a job on gs://bucket/in/*.json
 *   byte[] out = gcs.get("bucket", "out/prediction.results-00000-of-00001");
 * }
 * }</pre>
 *
 * <p>A request it does not know is answered 501 and recorded in {@link #unknownRequests()}, so a
 * test can tell a gap in the fake from a fault in the code under test.
 */
public final class FakeGcs implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern OBJECT = Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)$");
  private static final Pattern OBJECTS = Pattern.compile("^/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern BUCKET = Pattern.compile("^/storage/v1/b/([^/]+)/?$");
  private static final Pattern DOWNLOAD =
      Pattern.compile("^/download/storage/v1/b/([^/]+)/o/([^/]+)$");
  private static final Pattern UPLOAD = Pattern.compile("^/upload/storage/v1/b/([^/]+)/o/?$");
  private static final Pattern REWRITE =
      Pattern.compile("^/storage/v1/b/([^/]+)/o/([^/]+)/(rewriteTo|copyTo)/b/([^/]+)/o/([^/]+)$");
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");
  private static final Pattern CONTENT_RANGE =
      Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)");

  private record StoredObject(byte[] data, long generation, String contentType, Instant updated) {}

  private record Upload(
      String bucket, String name, String contentType, ByteArrayOutputStream data) {}

  private record Response(int status, Map<String, String> headers, byte[] body) {
    static Response json(int status, JsonNode body) {
      return new Response(
          status,
          Map.of("Content-Type", "application/json; charset=UTF-8"),
          body.toString().getBytes(StandardCharsets.UTF_8));
    }

    static Response empty(int status) {
      return new Response(status, Map.of(), new byte[0]);
    }
  }

  private final HttpServer server;
  private final Map<String, NavigableMap<String, StoredObject>> buckets = new ConcurrentHashMap<>();
  private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
  private final AtomicLong generations = new AtomicLong(1_000_000);
  private final List<String> unknown = new CopyOnWriteArrayList<>();

  private FakeGcs(HttpServer server) {
    this.server = server;
  }

  /** Starts the server on a free loopback port. */
  public static FakeGcs start() throws IOException {
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    FakeGcs gcs = new FakeGcs(server);
    server.createContext("/", gcs::handle);
    server.setExecutor(Executors.newCachedThreadPool());
    server.start();
    return gcs;
  }

  /** The value for Beam's {@code --gcsEndpoint}. */
  public String endpoint() {
    return root() + "storage/v1/";
  }

  private String root() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
  }

  public void put(String bucket, String name, byte[] data) {
    objects(bucket)
        .put(
            name,
            new StoredObject(
                data, generations.incrementAndGet(), "application/octet-stream", Instant.now()));
  }

  /** Uploads every file under {@code dir} as {@code prefix + relative path}. */
  public void putTree(String bucket, String prefix, Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        String relative = dir.relativize(file).toString().replace('\\', '/');
        put(bucket, prefix + relative, Files.readAllBytes(file));
      }
    }
  }

  /** The object's bytes, or null when there is none. */
  public byte[] get(String bucket, String name) {
    StoredObject object = objects(bucket).get(name);
    return object == null ? null : object.data;
  }

  /** The names of the objects in {@code bucket} that start with {@code prefix}, sorted. */
  public List<String> list(String bucket, String prefix) {
    return objects(bucket).tailMap(prefix, true).keySet().stream()
        .takeWhile(name -> name.startsWith(prefix))
        .toList();
  }

  /** The requests this fake could not answer, as {@code METHOD path?query}. */
  public List<String> unknownRequests() {
    return List.copyOf(unknown);
  }

  @Override
  public void close() {
    server.stop(0);
  }

  private NavigableMap<String, StoredObject> objects(String bucket) {
    return buckets.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body = requestBody(exchange);
      Map<String, String> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values.get(0)));
      Response response;
      try {
        response =
            dispatch(
                exchange.getRequestMethod(),
                exchange.getRequestURI().getRawPath(),
                exchange.getRequestURI().getRawQuery(),
                headers,
                body);
      } catch (RuntimeException e) {
        response = error(500, e.toString());
      }
      response.headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
      boolean noBody = response.body.length == 0 || exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(response.status, noBody ? -1 : response.body.length);
      if (!noBody) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(response.body);
        }
      }
    }
  }

  /** The request's body, unzipped when the client sent it gzip-encoded (the Google clients do). */
  static byte[] requestBody(HttpExchange exchange) throws IOException {
    byte[] body = exchange.getRequestBody().readAllBytes();
    if ("gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))) {
      try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
        return in.readAllBytes();
      }
    }
    return body;
  }

  private Response dispatch(
      String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
    Map<String, String> query = parseQuery(rawQuery);
    Matcher m;
    if (method.equals("POST") && (path.equals("/batch/storage/v1") || path.equals("/batch"))) {
      return batch(headers.get("content-type"), body);
    }
    if (method.equals("GET") && (m = OBJECTS.matcher(path)).matches()) {
      return list(decode(m.group(1)), query);
    }
    if ((m = OBJECT.matcher(path)).matches()) {
      String bucket = decode(m.group(1));
      String name = decode(m.group(2));
      if (method.equals("GET") && "media".equals(query.get("alt"))) {
        return download(bucket, name, headers.get("range"));
      }
      if (method.equals("GET")) {
        StoredObject object = objects(bucket).get(name);
        return object == null
            ? notFound(bucket, name)
            : Response.json(200, metadata(bucket, name, object));
      }
      if (method.equals("DELETE")) {
        return objects(bucket).remove(name) == null ? notFound(bucket, name) : Response.empty(204);
      }
    }
    if (method.equals("GET") && (m = DOWNLOAD.matcher(path)).matches()) {
      return download(decode(m.group(1)), decode(m.group(2)), headers.get("range"));
    }
    if (method.equals("GET") && (m = BUCKET.matcher(path)).matches()) {
      ObjectNode bucket = JSON.createObjectNode();
      bucket.put("kind", "storage#bucket").put("id", decode(m.group(1)));
      bucket.put("name", decode(m.group(1))).put("location", "US");
      return Response.json(200, bucket);
    }
    if (method.equals("POST") && (m = REWRITE.matcher(path)).matches()) {
      return rewrite(
          decode(m.group(1)),
          decode(m.group(2)),
          m.group(3),
          decode(m.group(4)),
          decode(m.group(5)));
    }
    if ((m = UPLOAD.matcher(path)).matches()) {
      return upload(method, decode(m.group(1)), query, headers, body);
    }
    unknown.add(method + " " + path + (rawQuery == null ? "" : "?" + rawQuery));
    return error(501, "The fake GCS does not serve " + method + " " + path);
  }

  private Response list(String bucket, Map<String, String> query) {
    String prefix = query.getOrDefault("prefix", "");
    String delimiter = query.get("delimiter");
    ArrayNode items = JSON.createArrayNode();
    TreeSet<String> prefixes = new TreeSet<>();
    for (Map.Entry<String, StoredObject> entry : objects(bucket).tailMap(prefix, true).entrySet()) {
      String name = entry.getKey();
      if (!name.startsWith(prefix)) {
        break;
      }
      int cut = delimiter == null ? -1 : name.indexOf(delimiter, prefix.length());
      if (cut >= 0) {
        prefixes.add(name.substring(0, cut + delimiter.length()));
      } else {
        items.add(metadata(bucket, name, entry.getValue()));
      }
    }
    ObjectNode list = JSON.createObjectNode().put("kind", "storage#objects");
    list.set("items", items);
    if (!prefixes.isEmpty()) {
      ArrayNode names = list.putArray("prefixes");
      prefixes.forEach(names::add);
    }
    return Response.json(200, list);
  }

  private Response download(String bucket, String name, String range) {
    StoredObject object = objects(bucket).get(name);
    if (object == null) {
      return notFound(bucket, name);
    }
    byte[] data = object.data;
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Type", object.contentType);
    headers.put("x-goog-generation", Long.toString(object.generation));
    Matcher m = range == null ? null : RANGE.matcher(range);
    if (m == null || !m.matches()) {
      return new Response(200, headers, data);
    }
    long start = Long.parseLong(m.group(1));
    long end =
        m.group(2).isEmpty()
            ? data.length - 1
            : Math.min(Long.parseLong(m.group(2)), data.length - 1);
    if (start >= data.length) {
      headers.put("Content-Range", "bytes */" + data.length);
      return new Response(416, headers, new byte[0]);
    }
    headers.put("Content-Range", "bytes " + start + "-" + end + "/" + data.length);
    return new Response(206, headers, Arrays.copyOfRange(data, (int) start, (int) end + 1));
  }

  private Response rewrite(
      String bucket, String name, String operation, String toBucket, String toName) {
    StoredObject source = objects(bucket).get(name);
    if (source == null) {
      return notFound(bucket, name);
    }
    StoredObject copy =
        new StoredObject(
            source.data, generations.incrementAndGet(), source.contentType, Instant.now());
    objects(toBucket).put(toName, copy);
    ObjectNode resource = metadata(toBucket, toName, copy);
    if (operation.equals("copyTo")) {
      return Response.json(200, resource);
    }
    ObjectNode rewritten = JSON.createObjectNode().put("kind", "storage#rewriteResponse");
    rewritten.put("totalBytesRewritten", Long.toString(copy.data.length));
    rewritten.put("objectSize", Long.toString(copy.data.length)).put("done", true);
    rewritten.set("resource", resource);
    return Response.json(200, rewritten);
  }

  private Response upload(
      String method,
      String bucket,
      Map<String, String> query,
      Map<String, String> headers,
      byte[] body) {
    String type = query.get("uploadType");
    if (method.equals("POST") && "resumable".equals(type)) {
      String name = query.get("name");
      String contentType =
          headers.getOrDefault("x-upload-content-type", "application/octet-stream");
      if (body.length > 0) {
        try {
          JsonNode metadata = JSON.readTree(body);
          if (metadata.hasNonNull("name")) {
            name = metadata.get("name").asText();
          }
          if (metadata.hasNonNull("contentType")) {
            contentType = metadata.get("contentType").asText();
          }
        } catch (IOException e) {
          return error(400, "Upload metadata is not JSON: " + e.getMessage());
        }
      }
      if (name == null) {
        return error(400, "Upload without an object name");
      }
      String id = Long.toString(generations.incrementAndGet());
      uploads.put(id, new Upload(bucket, name, contentType, new ByteArrayOutputStream()));
      Map<String, String> location =
          Map.of(
              "Location",
              root() + "upload/storage/v1/b/" + bucket + "/o?uploadType=resumable&upload_id=" + id);
      return new Response(200, location, new byte[0]);
    }
    if (method.equals("PUT") && query.containsKey("upload_id")) {
      Upload upload = uploads.get(query.get("upload_id"));
      if (upload == null) {
        return error(404, "No upload " + query.get("upload_id"));
      }
      synchronized (upload) {
        upload.data.writeBytes(body);
        String contentRange = headers.get("content-range");
        Matcher m = contentRange == null ? null : CONTENT_RANGE.matcher(contentRange);
        boolean last = m == null || (m.matches() && !m.group(4).equals("*"));
        if (!last) {
          Map<String, String> received = new LinkedHashMap<>();
          if (upload.data.size() > 0) {
            received.put("Range", "bytes=0-" + (upload.data.size() - 1));
          }
          return new Response(308, received, new byte[0]);
        }
        uploads.remove(query.get("upload_id"));
        StoredObject object =
            new StoredObject(
                upload.data.toByteArray(),
                generations.incrementAndGet(),
                upload.contentType,
                Instant.now());
        objects(upload.bucket).put(upload.name, object);
        return Response.json(200, metadata(upload.bucket, upload.name, object));
      }
    }
    if (method.equals("POST") && "media".equals(type) && query.containsKey("name")) {
      StoredObject object =
          new StoredObject(
              body,
              generations.incrementAndGet(),
              headers.getOrDefault("content-type", "application/octet-stream"),
              Instant.now());
      objects(bucket).put(query.get("name"), object);
      return Response.json(200, metadata(bucket, query.get("name"), object));
    }
    unknown.add(method + " upload " + query);
    return error(501, "The fake GCS does not serve this upload: " + query);
  }

  /**
   * A {@code multipart/mixed} batch: each part is one HTTP request, answered in order in a
   * multipart response.
   */
  private Response batch(String contentType, byte[] body) {
    Matcher b =
        Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType == null ? "" : contentType);
    if (!b.find()) {
      return error(400, "Batch without a boundary: " + contentType);
    }
    String delimiter = "--" + b.group(1);
    String text = new String(body, StandardCharsets.ISO_8859_1);
    List<String> parts = new ArrayList<>();
    for (String part : text.split(Pattern.quote(delimiter))) {
      String trimmed = part.strip();
      if (!trimmed.isEmpty() && !trimmed.equals("--")) {
        parts.add(part);
      }
    }
    String boundary = "batch_fake_gcs";
    StringBuilder out = new StringBuilder();
    int index = 0;
    for (String part : parts) {
      index++;
      String partHeaders = part.substring(0, headerEnd(part));
      String request = part.substring(headerEnd(part)).replaceFirst("^(\r?\n)+", "");
      int requestHeadersEnd = headerEnd(request);
      String head = request.substring(0, requestHeadersEnd);
      String requestBody =
          request.substring(requestHeadersEnd).replaceFirst("^\r?\n\r?\n|^\r?\n", "");
      requestBody = requestBody.replaceFirst("\r?\n$", "");
      String[] lines = head.split("\r?\n");
      String[] requestLine = lines[0].split(" ");
      Map<String, String> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon > 0) {
          headers.put(
              lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT),
              lines[i].substring(colon + 1).strip());
        }
      }
      URI uri = URI.create(requestLine[1]);
      Response response =
          dispatch(
              requestLine[0],
              uri.getRawPath(),
              uri.getRawQuery(),
              headers,
              requestBody.getBytes(StandardCharsets.ISO_8859_1));
      String contentId = "";
      Matcher id = Pattern.compile("(?im)^content-id:\\s*<?([^>\r\n]+)>?").matcher(partHeaders);
      if (id.find()) {
        contentId = "Content-ID: <response-" + id.group(1) + ">\r\n";
      } else {
        contentId = "Content-ID: <response-" + index + ">\r\n";
      }
      out.append("--").append(boundary).append("\r\n");
      out.append("Content-Type: application/http\r\n").append(contentId).append("\r\n");
      out.append("HTTP/1.1 ").append(response.status).append(' ').append(reason(response.status));
      out.append("\r\n");
      response.headers.forEach(
          (name, value) -> out.append(name).append(": ").append(value).append("\r\n"));
      out.append("Content-Length: ").append(response.body.length).append("\r\n\r\n");
      out.append(new String(response.body, StandardCharsets.ISO_8859_1)).append("\r\n");
    }
    out.append("--").append(boundary).append("--\r\n");
    return new Response(
        200,
        Map.of("Content-Type", "multipart/mixed; boundary=" + boundary),
        out.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static int headerEnd(String text) {
    Matcher m = Pattern.compile("\r?\n\r?\n").matcher(text);
    return m.find() ? m.start() : text.length();
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 204 -> "No Content";
      case 404 -> "Not Found";
      default -> "Status";
    };
  }

  private ObjectNode metadata(String bucket, String name, StoredObject object) {
    ObjectNode node = JSON.createObjectNode();
    node.put("kind", "storage#object");
    node.put("id", bucket + "/" + name + "/" + object.generation);
    node.put("name", name).put("bucket", bucket);
    node.put("generation", Long.toString(object.generation)).put("metageneration", "1");
    node.put("contentType", object.contentType);
    node.put("size", Long.toString(object.data.length));
    node.put("timeCreated", object.updated.toString()).put("updated", object.updated.toString());
    node.put("storageClass", "STANDARD");
    node.put("md5Hash", Base64.getEncoder().encodeToString(md5(object.data)));
    CRC32C crc = new CRC32C();
    crc.update(object.data);
    node.put(
        "crc32c",
        Base64.getEncoder()
            .encodeToString(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array()));
    return node;
  }

  private static byte[] md5(byte[] data) {
    try {
      return MessageDigest.getInstance("MD5").digest(data);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Response notFound(String bucket, String name) {
    return error(404, "No such object: " + bucket + "/" + name);
  }

  private static Response error(int status, String message) {
    ObjectNode error = JSON.createObjectNode();
    ObjectNode inner = error.putObject("error").put("code", status).put("message", message);
    inner
        .putArray("errors")
        .addObject()
        .put("message", message)
        .put("reason", status == 404 ? "notFound" : "invalid");
    return Response.json(status, error);
  }

  private static Map<String, String> parseQuery(String rawQuery) {
    Map<String, String> query = new LinkedHashMap<>();
    if (rawQuery == null) {
      return query;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String key = decode(eq < 0 ? pair : pair.substring(0, eq));
      query.put(
          key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return query;
  }

  /** Percent-decodes one path segment ({@code +} stays a plus, as in a URI path). */
  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
