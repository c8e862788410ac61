/**
 * The jobs service: the {@code projects.jobs} REST API of AI Platform (ml v1) over HTTP, wire
 * compatible with its clients, on top of the job store and queue of {@code org.batchpredict.jobs}.
 *
 * <p>{@link org.batchpredict.service.JobsServer} wires the parts; {@link
 * org.batchpredict.service.ApiHandler} is the HTTP layer (the only code that imports Jetty); {@link
 * org.batchpredict.service.JobsApi} has one method per API call, each naming the permission it
 * needs, checked through {@link org.batchpredict.service.AccessPolicy} for the caller that {@link
 * org.batchpredict.service.RequestContext} identifies.
 */
package org.batchpredict.service;
