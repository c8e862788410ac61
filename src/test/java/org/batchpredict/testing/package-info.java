/**
 * Loopback stand-ins for the Google services the distributed runners talk to, for tests that must
 * run without a network: {@link org.batchpredict.testing.FakeGcs} (the Cloud Storage JSON API as
 * Beam's GCS file system uses it) and {@link org.batchpredict.testing.FakeDataflow} (the Dataflow
 * v1b3 job calls of the DataflowRunner).
 */
package org.batchpredict.testing;
