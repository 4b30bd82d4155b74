// Prisma queries for post-implementation reviews. Every function takes the transaction it runs in.
import type { DbOrTx, Prisma } from '@cabinet/db'

const person = { select: { id: true, name: true, email: true } } as const

export const actionItemInclude = { owner: person } satisfies Prisma.ReviewActionItemInclude
export type ActionItemRow = Prisma.ReviewActionItemGetPayload<{ include: typeof actionItemInclude }>

export const reviewInclude = {
  change: { select: { id: true, number: true, title: true, state: true, closeCode: true } },
  reviewer: person,
  completedBy: person,
  actionItems: { include: actionItemInclude, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
} satisfies Prisma.ChangeReviewInclude
export type ReviewRow = Prisma.ChangeReviewGetPayload<{ include: typeof reviewInclude }>

const CHANGE_NUMBER = /^CHG\d{7,}$/

export function changeWhere(idOrNumber: string): Prisma.ChangeRequestWhereUniqueInput {
  return CHANGE_NUMBER.test(idOrNumber) ? { number: idOrNumber } : { id: idOrNumber }
}

export function findChangeForReview(tx: DbOrTx, idOrNumber: string) {
  return tx.changeRequest.findUnique({
    where: changeWhere(idOrNumber),
    select: {
      id: true,
      number: true,
      type: true,
      state: true,
      version: true,
      requesterId: true,
      implementerId: true,
      reviewRequired: true,
      reviewCompleted: true,
    },
  })
}

export function findReviewOfChange(tx: DbOrTx, changeId: string): Promise<ReviewRow | null> {
  return tx.changeReview.findUnique({ where: { changeId }, include: reviewInclude })
}
