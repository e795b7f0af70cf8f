/** How requests to HSS and IAM prove who sends them. */
export type Auth =
  | {
      kind: 'aksk'
      accessKey: string
      secretKey: string
      /** Present with temporary credentials; sent and signed. */
      securityToken?: string
    }
  | { kind: 'token'; token: string }
