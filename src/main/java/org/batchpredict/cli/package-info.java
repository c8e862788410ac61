/**
 * The {@code batch-predict} command line: {@code predict} runs one job on this machine or any Beam
 * runner, {@code serve} runs the jobs service, {@code audit} prints the access-control audit log
 * and {@code hash-token} hashes a bearer token for the token file. Uses the jobs and access-control
 * ({@code org.batchpredict.iam}) layers.
 */
package org.batchpredict.cli;
