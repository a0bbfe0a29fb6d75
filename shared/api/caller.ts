import type { APIGatewayProxyEvent } from 'aws-lambda';

/**
 * Who made an IAM-authorized request, as the audit trail records it. A console user signs in through
 * Cognito and calls with the identity pool's credentials: API Gateway names the user pool user in
 * `cognitoAuthenticationProvider` ("...:CognitoSignIn:<sub>"), which outlives the role session. Any
 * other caller (the CLI, a back-office system) is its IAM principal.
 */
export function auditedCaller(event: APIGatewayProxyEvent): string {
  const identity = event.requestContext?.identity;
  const signedIn = identity?.cognitoAuthenticationProvider?.split(':CognitoSignIn:')[1];
  if (signedIn) return `console:${signedIn}`;
  return identity?.userArn ?? identity?.user ?? 'unknown caller';
}
