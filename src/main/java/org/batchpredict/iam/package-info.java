/**
 * Access control for the jobs service: who is calling ({@link org.batchpredict.iam.Authenticator}
 * over a {@link org.batchpredict.iam.TokenStore}), what they may do ({@link
 * org.batchpredict.iam.AccessControl}: a project policy from {@code access.json} united with each
 * job's own IAM policy, conditions in CEL), the policy methods {@code getIamPolicy}, {@code
 * setIamPolicy} and {@code testIamPermissions}, and the {@link org.batchpredict.iam.AuditLog}.
 *
 * <p>Plain Java: no web framework. The HTTP layer ({@code org.batchpredict.service}) calls in and
 * maps each {@link org.batchpredict.iam.IamException} to its {@code google.rpc.Status}. This
 * package depends on nothing else in batch-predict.
 */
package org.batchpredict.iam;
