package org.batchpredict.service;

/**
 * Who makes an API call and how it reached us: the one place where a request's caller is decided.
 * {@link ApiHandler} builds it for every request before calling {@link JobsApi}.
 *
 * <p>Without authentication every caller is {@link #LOCAL_OWNER}, the owner of everything on this
 * server; an authenticating layer replaces {@link #caller} with the principal it verified (such as
 * {@code user:alice@example.com}).
 *
 * @param caller the IAM principal making the call
 * @param method the HTTP method after any {@code X-HTTP-Method-Override}
 * @param path the request path
 * @param remoteAddress the client's address
 * @param authorization the request's {@code Authorization} header, or null
 */
public record RequestContext(
    String caller, String method, String path, String remoteAddress, String authorization) {
  public static final String LOCAL_OWNER = "user:local-owner";
}
