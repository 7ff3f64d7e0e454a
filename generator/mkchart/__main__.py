from mkchart.cli import main

main()
