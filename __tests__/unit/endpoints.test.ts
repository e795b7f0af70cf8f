import { InputError } from '../../src/errors.js'
import {
  KNOWN_REGIONS,
  hssEndpoint,
  iamEndpoint,
  regionEndpointOverride
} from '../../src/huawei/endpoints.js'

// The list in ../shared/HSS-API.md "Endpoints", kept here in full so that a
// region dropped from the code by mistake fails a test.
const documented = [
  'cn-north-9',
  'cn-north-1',
  'cn-north-4',
  'cn-southwest-2',
  'cn-east-2',
  'cn-east-3',
  'cn-east-4',
  'cn-south-1',
  'cn-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
  'ap-southeast-3',
  'na-mexico-1',
  'af-south-1',
  'sa-brazil-1',
  'la-south-2',
  'cn-south-4',
  'la-north-2',
  'tr-west-1',
  'cn-north-2',
  'ap-southeast-4',
  'ae-ad-1',
  'me-east-1',
  'cn-east-5',
  'my-kualalumpur-1',
  'ru-moscow-1',
  'cn-north-12',
  'cn-southwest-3',
  'cn-north-11',
  'af-north-1',
  'ap-southeast-5'
]

function thrown(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  throw new Error('expected a throw')
}

describe('KNOWN_REGIONS', () => {
  it('lists exactly the documented regions and eu-west-101', () => {
    expect([...KNOWN_REGIONS].sort()).toEqual(
      [...documented, 'eu-west-101'].sort()
    )
  })
})

describe('hssEndpoint and iamEndpoint', () => {
  it.each(documented)('serves %s from myhuaweicloud.com', (region) => {
    expect(hssEndpoint(region)).toBe(`https://hss.${region}.myhuaweicloud.com`)
    expect(iamEndpoint(region)).toBe(`https://iam.${region}.myhuaweicloud.com`)
  })

  it('serves eu-west-101 from myhuaweicloud.eu', () => {
    expect(hssEndpoint('eu-west-101')).toBe(
      'https://hss.eu-west-101.myhuaweicloud.eu'
    )
    expect(iamEndpoint('eu-west-101')).toBe(
      'https://iam.eu-west-101.myhuaweicloud.eu'
    )
  })

  it('rejects an unknown region, pointing to the endpoint inputs', () => {
    const error = thrown(() => hssEndpoint('xx-new-9'))

    expect(error).toBeInstanceOf(InputError)
    expect(error).toMatchObject({ input: 'region', value: 'xx-new-9' })
    const message = (error as InputError).message
    expect(message).toContain(`Input 'region'`)
    expect(message).toContain('"xx-new-9"')
    expect(message).toContain(`'endpoint' input`)
    expect(message).toContain(`'iam-endpoint'`)
    expect(message).toContain('cn-north-4, ')
    expect(message).toContain('eu-west-101')
  })

  it('rejects an unknown region for IAM, pointing to iam-endpoint and project-id', () => {
    const message = (thrown(() => iamEndpoint('xx-new-9')) as InputError)
      .message

    expect(message).toContain(`set 'project-id', or the 'iam-endpoint' input`)
    expect(message).toContain('https://iam.xx-new-9.myhuaweicloud.com')
  })

  it.each(['CN-NORTH-4', ' cn-north-4', 'cn_north_4', 'cn-north-4.', '', '-a'])(
    'rejects the malformed region id %j by its shape',
    (region) => {
      const error = thrown(() => hssEndpoint(region))

      expect(error).toBeInstanceOf(InputError)
      expect((error as InputError).message).toContain(
        'lower-case letters, digits and dashes'
      )
    }
  )
})

describe('regionEndpointOverride', () => {
  it('reads the SDKs’ variable for the region', () => {
    const env = {
      HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4: 'https://hss.example.test'
    }

    expect(regionEndpointOverride('cn-north-4', env)).toBe(
      'https://hss.example.test'
    )
  })

  it('works for a region this version does not know', () => {
    const env = { HUAWEICLOUD_SDK_REGION_HSS_XX_NEW_9: 'https://hss.new' }

    expect(regionEndpointOverride('xx-new-9', env)).toBe('https://hss.new')
  })

  it('takes the main endpoint of a comma-separated list', () => {
    const env = {
      HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4: ' https://a.test , https://b.test'
    }

    expect(regionEndpointOverride('cn-north-4', env)).toBe('https://a.test')
  })

  it('ignores an unset or blank variable and other services’ variables', () => {
    expect(regionEndpointOverride('cn-north-4', {})).toBeUndefined()
    expect(
      regionEndpointOverride('cn-north-4', {
        HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_4: '  '
      })
    ).toBeUndefined()
    expect(
      regionEndpointOverride('cn-north-4', {
        HUAWEICLOUD_SDK_REGION_ECS_CN_NORTH_4: 'https://ecs.test',
        HUAWEICLOUD_SDK_REGION_HSS_CN_NORTH_1: 'https://hss.test'
      })
    ).toBeUndefined()
  })
})
