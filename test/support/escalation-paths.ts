/**
 * Known IAM privilege-escalation paths (the published catalogues: Rhino Security Labs' 21
 * methods, bishopfox/iam-vulnerable, plus trust, boundary and credential variants), as the one
 * grant each path needs from faber-cloud. `star`: the path needs the action on Resource "*"
 * (PassRole/AssumeRole are only refused there; scoped, they follow never_auto_grant).
 * Used by test/unit/iam-escalation.test.ts (planner) and test/reliability/iam-escalation.test.ts
 * (built CLI against moto).
 */
export interface EscalationPath {
  action: string;
  star?: boolean;
  path: string;
}

export const KNOWN_ESCALATION_PATHS: readonly EscalationPath[] = [
  { action: 'iam:PassRole', star: true, path: 'PassRole on * + lambda:CreateFunction/ec2:RunInstances/glue:CreateDevEndpoint/cloudformation:CreateStack with an admin role' },
  { action: 'sts:AssumeRole', star: true, path: 'AssumeRole on * into any role that trusts the account' },
  { action: 'iam:CreatePolicyVersion', path: 'new default version of an attached policy' },
  { action: 'iam:SetDefaultPolicyVersion', path: 'roll an attached policy back to a wider version' },
  { action: 'iam:AttachUserPolicy', path: 'attach AdministratorAccess to oneself' },
  { action: 'iam:AttachRolePolicy', path: 'attach AdministratorAccess to an assumable role' },
  { action: 'iam:AttachGroupPolicy', path: 'attach AdministratorAccess to one\'s group' },
  { action: 'iam:PutUserPolicy', path: 'inline admin policy on oneself' },
  { action: 'iam:PutRolePolicy', path: 'inline admin policy on an assumable role' },
  { action: 'iam:PutGroupPolicy', path: 'inline admin policy on one\'s group' },
  { action: 'iam:AddUserToGroup', path: 'join an admin group' },
  { action: 'iam:RemoveUserFromGroup', path: 'leave a group that carries a Deny' },
  { action: 'iam:CreateAccessKey', path: 'access key for a more privileged user' },
  { action: 'iam:UpdateAccessKey', path: 're-activate a disabled key of a privileged user' },
  { action: 'iam:CreateLoginProfile', path: 'console password for a user without one' },
  { action: 'iam:UpdateLoginProfile', path: 'reset a privileged user\'s console password' },
  { action: 'iam:CreateServiceSpecificCredential', path: 'CodeCommit/Keyspaces credentials for another user' },
  { action: 'iam:ResetServiceSpecificCredential', path: 'take over another user\'s service credential' },
  { action: 'iam:UploadSSHPublicKey', path: 'CodeCommit SSH access as another user' },
  { action: 'iam:DeactivateMFADevice', path: 'remove MFA that a policy condition requires' },
  { action: 'iam:UpdateAssumeRolePolicy', path: 'make a privileged role trust oneself' },
  { action: 'iam:PutRolePermissionsBoundary', path: 'replace a role\'s boundary with a wider one' },
  { action: 'iam:DeleteRolePermissionsBoundary', path: 'remove a role\'s boundary' },
  { action: 'iam:PutUserPermissionsBoundary', path: 'replace a user\'s boundary with a wider one' },
  { action: 'iam:DeleteUserPermissionsBoundary', path: 'remove a user\'s boundary' },
  { action: 'iam:DetachRolePolicy', path: 'detach a Deny policy from a role' },
  { action: 'iam:DeleteRolePolicy', path: 'delete an inline Deny from a role' },
  { action: 'iam:AddRoleToInstanceProfile', path: 'put an admin role in an instance profile one\'s instance uses' },
  { action: 'iam:CreateOpenIDConnectProvider', path: 'let an outside identity provider federate into trusting roles' },
  { action: 'iam:UpdateSAMLProvider', path: 'swap a SAML provider\'s metadata for one\'s own IdP' },
  { action: 'iam:CreatePolicy', path: 'author a policy a later attach would grant' },
  { action: 'sts:GetFederationToken', path: 'federated session credentials' },
  { action: 'sts:AssumeRoot', path: 'root session on a member account' },
  { action: 'sts:AssumeRoleWithWebIdentity', path: 'role credentials from a web identity token' },
  { action: 'organizations:CreateAccount', path: 'new account with OrganizationAccountAccessRole' },
  { action: 'organizations:AttachPolicy', path: 'attach or swap a service control policy' },
  { action: 'organizations:DetachPolicy', path: 'detach a restricting SCP' },
  { action: 'organizations:LeaveOrganization', path: 'leave the organization and its SCPs' },
  { action: 'organizations:RegisterDelegatedAdministrator', path: 'delegate organization administration' },
];
