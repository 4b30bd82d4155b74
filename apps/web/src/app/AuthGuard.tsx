// Shows the sign-in page instead of the console while nobody is signed in. It renders in place
// (the address is kept), so after signing in the person lands where they were going.
import { Center, Loader, Stack } from '@mantine/core'
import type { ReactNode } from 'react'
import { ErrorState } from '../components/StatusViews'
import { useSession } from '../features/auth/api'
import { SignInPage } from '../features/auth/SignInPage'

export function AuthGuard({ children }: { children: ReactNode }) {
  const session = useSession()
  if (session.data === undefined && !session.isError) {
    return (
      <Center h="100vh">
        <Loader aria-label="Checking your session" />
      </Center>
    )
  }
  if (session.data === undefined) {
    return (
      <Center h="100vh" p="md">
        <Stack w={480}>
          <ErrorState error={session.error} title="Cannot reach Cabinet" onRetry={() => void session.refetch()} />
        </Stack>
      </Center>
    )
  }
  if (session.data === null) return <SignInPage />
  return <>{children}</>
}
