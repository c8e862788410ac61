/**
 * The jobs service: the {@code projects.jobs} REST API of AI Platform (ml v1) over HTTP, wire
 * compatible with its clients, on top of the job store and queue of {@code org.batchpredict.jobs}.
 *
 * <p>{@link org.batchpredict.service.JobsServer} wires the parts; {@link
 * org.batchpredict.service.ApiHandler} is the HTTP layer (the only code that imports Jetty); {@link
 * org.batchpredict.service.JobsApi} has one method per API call, each naming the permission it
 * needs, checked by {@link org.batchpredict.iam.AccessControl} for the caller that {@link
 * org.batchpredict.service.RequestContext} identifies; job policies live in the job table ({@link
 * org.batchpredict.service.JobPolicyStore}) and calls are recorded in the audit log of {@code
 * org.batchpredict.iam}. This package depends on {@code iam} and {@code jobs}, never the reverse.
 */
package org.batchpredict.service;
