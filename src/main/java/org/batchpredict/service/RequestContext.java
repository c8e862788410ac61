package org.batchpredict.service;

import org.batchpredict.iam.Principal;

/**
 * Who makes an API call and how it reached us. {@link ApiHandler} builds it for every request, once
 * the {@link org.batchpredict.iam.Authenticator} has turned the {@code Authorization} header into a
 * {@link Principal}, before calling {@link JobsApi}. It holds no credentials.
 *
 * @param caller the authenticated caller; {@link Principal#localOwner()} on a server without tokens
 * @param method the HTTP method after any {@code X-HTTP-Method-Override}
 * @param path the request path
 * @param remoteAddress the client's address
 */
public record RequestContext(Principal caller, String method, String path, String remoteAddress) {}
