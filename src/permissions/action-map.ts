/**
 * The action map (issue 16): (hashicorp/aws resource type, change) -> IAM actions, generated from
 * the provider's source by scripts/gen-action-map.mjs into plugin/templates/iam/action-map.json. This
 * module is its one reader; it is imported only by the lazily loaded preflight code, so the
 * data never slows `faber-cloud --help`.
 */
import data from '../../plugin/templates/iam/action-map.json' with { type: 'json' };

export interface ActionMapEntry {
  create: string[];
  /**
   * Actions a create needs only when the plan sets the attribute: the provider calls them under
   * a condition on that setting (`ttl`, `managed_policy_arns`), tag-on-create (`tags`), and
   * iam:PassRole for an attribute that hands a role to the service (`role`).
   */
  create_if?: Record<string, string[]>;
  /** The create function calls the update function: add its `*` actions and those of each attribute set. */
  create_calls_update?: boolean;
  read: string[];
  /** `*`: any update; other keys: the attribute whose change needs the actions. */
  update?: Record<string, string[]>;
  delete: string[];
  /** SDK operations of this type with no known IAM action (their permissions are not predicted). */
  unmapped?: string[];
}

export interface ActionMap {
  provider: { name: string; version: string };
  iam_catalogue: string;
  resources: Record<string, ActionMapEntry>;
}

export const actionMap: ActionMap = data as unknown as ActionMap;
