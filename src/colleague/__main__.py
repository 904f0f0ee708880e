from colleague.cli import main

main()
