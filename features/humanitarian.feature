Feature: Humanitarian access, the protection of civilians, refugee-hosting communities
  Where a war kills at scale or drives people from their homes, aid needs
  diplomatic work on access; where the conflict targets civilians, their
  protection; where refugees are a large share of the population or their
  number is very large, the communities hosting them need support. Rates per
  million or per 1,000 people, so that a large country does not weigh more.

  Scenario: Sudan 2024: war and mass displacement make access and protection critical
    Given the Sudan 2024 profile
    When the profile is evaluated
    Then the rule humanitarian-emergency fires
    And humanitarian-access-support is recommended with critical priority
    And civilian-protection-support is recommended with critical priority
    And the reason for humanitarian-access-support cites 229.1

  Scenario Outline: Humanitarian access where war or displacement cut people off from aid
    Given an empty profile for Examplia
    And acled.fatalities_per_million by period:
      | period | value        |
      | 2024   | <fatalities> |
    And unhcr.idps_per_1000 is <displaced>
    And local.humanitarian_access_constraints is <access>
    When the profile is evaluated
    Then the rule humanitarian-access-in-crisis <outcome>

    Examples:
      | fatalities | displaced | access   | outcome       |
      | 100        | 0         | none     | fires         |
      | 99.9       | 50        | none     | fires         |
      | 99.9       | 49.9      | high     | fires         |
      | 99.9       | 49.9      | moderate | does not fire |

  Scenario Outline: A humanitarian emergency needs both war-level lethality and mass displacement
    Given an empty profile for Examplia
    And acled.fatalities_per_million by period:
      | period | value        |
      | 2024   | <fatalities> |
    And unhcr.idps_per_1000 is <displaced>
    When the profile is evaluated
    Then the rule humanitarian-emergency <outcome>

    Examples:
      | fatalities | displaced | outcome       |
      | 100        | 50        | fires         |
      | 99.9       | 300       | does not fire |
      | 400        | 49.9      | does not fire |

  Scenario Outline: Civilians are protected where the war is lethal or targets them
    Given an empty profile for Examplia
    And acled.fatalities_per_million by period:
      | period | value        |
      | 2024   | <fatalities> |
    And acled.events_targeting_civilians_per_million is <targeting civilians>
    When the profile is evaluated
    Then the rule civilian-protection-in-conflict <outcome>

    Examples:
      | fatalities | targeting civilians | outcome       |
      | 100        | 0                   | fires         |
      | 25         | 24                  | fires         |
      | 24.9       | 200                 | does not fire |
      | 99.9       | 23.9                | does not fire |

  Scenario: Burkina Faso 2024: few events against civilians per million, but a war that kills 318 per million
    Given the Burkina Faso 2024 profile
    When the profile is evaluated
    Then civilian-protection-support is recommended with critical priority
    And the reasons for civilian-protection-support include the rule civilian-protection-in-conflict

  Scenario Outline: Support to refugee-hosting communities from 1% of the population, or 900,000 refugees
    Given an empty profile for Examplia
    And unhcr.refugees_hosted_per_1000 is <per 1,000>
    And unhcr.refugees_hosted is <refugees>
    When the profile is evaluated
    Then the rule refugee-hosting-pressure <outcome>

    Examples:
      | per 1,000 | refugees | outcome       |
      | 10        | 1000     | fires         |
      | 9.9       | 900000   | fires         |
      | 9.9       | 899999   | does not fire |

  Scenario: Ethiopia 2024 hosts a million refugees, 7.6 per 1,000 people
    Given the Ethiopia 2024 profile
    When the profile is evaluated
    Then refugee-hosting-community-support is recommended with high priority
    And the reason for refugee-hosting-community-support cites 1,008,826

  Scenario: Senegal 2024: few refugees, no hosting programme
    Given the Senegal 2024 profile
    When the profile is evaluated
    Then the rule refugee-hosting-pressure does not fire
    And refugee-hosting-community-support is not recommended
