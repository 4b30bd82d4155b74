// Sign-in with email and password; the server's refusal is shown as it words it.
import { Alert, Button, Center, Code, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core'
import { IconAlertTriangle } from '@tabler/icons-react'
import { type FormEvent, useState } from 'react'
import { requiredInput } from '../../components/required'
import { errorMessage } from '../../components/StatusViews'
import { isApiError } from '../../lib/api-client'
import { useSignIn } from './api'

const DEMO_ACCOUNTS = ['requester', 'cab', 'manager', 'oncall', 'auditor', 'admin'] as const
const DEMO_PASSWORD = 'cabinet-demo'

export function SignInPage() {
  const [email, setEmail] = useState('')
  const [password, setPassword] = useState('')
  const signIn = useSignIn()
  const fieldError = (field: 'email' | 'password') =>
    isApiError(signIn.error) ? signIn.error.fieldIssues.find((issue) => issue.path === field)?.message : undefined

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    signIn.mutate({ email: email.trim(), password })
  }

  return (
    <Center mih="100vh" p="md" bg="var(--mantine-color-gray-0)">
      <Paper withBorder shadow="sm" p="xl" w={420} radius="md">
        <form onSubmit={onSubmit} noValidate>
          <Stack>
            <div>
              <Title order={2}>Sign in to Cabinet</Title>
              <Text size="sm" c="dimmed">
                Change management for GPU infrastructure
              </Text>
            </div>
            {signIn.isError && (
              <Alert color="red" variant="light" icon={<IconAlertTriangle size={18} />} role="alert">
                {errorMessage(signIn.error)}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              {...requiredInput}
              value={email}
              onChange={(event) => setEmail(event.currentTarget.value)}
              error={fieldError('email')}
              autoFocus
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              {...requiredInput}
              value={password}
              onChange={(event) => setPassword(event.currentTarget.value)}
              error={fieldError('password')}
            />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              Sign in
            </Button>
            <Text size="xs" c="dimmed" data-testid="demo-hint">
              Demo accounts: {DEMO_ACCOUNTS.map((name) => `${name}@example.com`).join(', ')}, password{' '}
              <Code>{DEMO_PASSWORD}</Code>
            </Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  )
}
