/**
 * The {@code batch-predict} command line: {@code predict} runs one job on this machine or any Beam
 * runner, {@code serve} runs the jobs service. Uses the jobs layer only.
 */
package org.batchpredict.cli;
