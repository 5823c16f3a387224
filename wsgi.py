from questionnaire import create_app

app = create_app()
