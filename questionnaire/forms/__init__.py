"""Forms: the questionnaire steps and the fields and validators they are built from."""
