// Compile-time proof that the API's vocabularies (packages/contracts) and the domain's
// (packages/domain) list the same values: if either list changes alone, typecheck fails here.
import type * as Contracts from '@cabinet/contracts'
import type * as Domain from '@cabinet/domain'

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
type Assert<T extends true> = T

export type VocabulariesMatch = [
  Assert<Same<Contracts.ChangeType, Domain.ChangeType>>,
  Assert<Same<Contracts.ChangeState, Domain.ChangeState>>,
  Assert<Same<Contracts.ChangeCategory, Domain.ChangeCategory>>,
  Assert<Same<Contracts.ChangeSubcategory, Domain.ChangeSubcategory>>,
  Assert<Same<Contracts.CloseCode, Domain.CloseCode>>,
  Assert<Same<Contracts.Role, Domain.Role>>,
  Assert<Same<Contracts.RiskLevel, Domain.RiskLevel>>,
  Assert<Same<Contracts.ChangeEventType, Domain.ChangeEventType>>,
  Assert<Same<Contracts.RiskQuestionnaire, Domain.RiskQuestionnaire>>,
  Assert<Same<Contracts.ApprovalGroupKind, Domain.ApprovalGroupKind>>,
  Assert<Same<Contracts.QuorumKind, Domain.QuorumKind>>,
  Assert<Same<Contracts.ExpiryAction, Domain.ExpiryAction>>,
]
